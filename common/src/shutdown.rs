//! One shutdown signal for a whole process: SIGTERM or Ctrl-C trips it, every server
//! waits on it and drains its in-flight requests.

use tokio::sync::watch;

/// A cloneable handle that servers await; [`Shutdown::trigger`] wakes them all.
#[derive(Clone)]
pub struct Shutdown {
    sender: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        let (sender, _) = watch::channel(false);
        Shutdown { sender }
    }

    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// Resolves once the shutdown has been triggered.
    pub async fn wait(&self) {
        let mut receiver = self.sender.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = receiver.wait_for(|triggered| *triggered).await;
    }

    /// Triggers this shutdown on SIGTERM or Ctrl-C, from a background task.
    pub fn trigger_on_signals(&self) {
        let shutdown = self.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown signal received, draining");
            shutdown.trigger();
        });
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "cannot listen for SIGTERM, only Ctrl-C stops the process");
            let _ = ctrl_c.await;
        }
    }
}

//! How long a call may take, on either side. A unary call has a whole-call deadline. A
//! streaming call (a file going up or down) has an idle timeout instead: it fails only
//! once no message has moved for [`STREAM_IDLE_TIMEOUT`], so a large transfer is never
//! cut off and a stalled one never hangs. Which an RPC is comes from its row in
//! [`crate::access`].

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tonic::Status;
use tonic::body::Body;

/// How long a streaming call may go without a message in either direction.
pub const STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the call `answer` sends for `request` (an RPC at `path`) within its deadline:
/// `whole` for a unary call, measured to the answer's head; for a streaming call, no
/// more than `idle` without a message, measured on the request's body and the answer's.
/// A unary call past its deadline and a stalled stream are both DEADLINE_EXCEEDED.
pub(crate) async fn bounded<F, E>(
    request: http::Request<Body>,
    whole: Duration,
    idle: Duration,
    answer: impl FnOnce(http::Request<Body>) -> F,
) -> Result<http::Response<Body>, E>
where
    F: Future<Output = Result<http::Response<Body>, E>>,
{
    let path = request.uri().path().to_owned();
    if !crate::access::of(&path).is_some_and(|rpc| rpc.streams) {
        return match tokio::time::timeout(whole, answer(request)).await {
            Ok(answered) => answered,
            Err(_) => Ok(Status::deadline_exceeded(format!(
                "{path} did not answer within {whole:?}"
            ))
            .into_http()),
        };
    }
    let activity = Activity::new();
    let request = request.map(|body| Body::new(IdleBody::new(body, idle, activity.clone())));
    let answered = tokio::select! {
        answered = answer(request) => answered,
        () = activity.stalled(idle) => return Ok(stalled(idle).into_http()),
    };
    answered.map(|response| response.map(|body| Body::new(IdleBody::new(body, idle, activity))))
}

fn stalled(idle: Duration) -> Status {
    Status::deadline_exceeded(format!("no message moved for {idle:?}"))
}

/// When a call's last message moved, shared by its request and answer bodies.
#[derive(Clone)]
struct Activity(Arc<(Instant, AtomicU64)>);

impl Activity {
    fn new() -> Activity {
        Activity(Arc::new((Instant::now(), AtomicU64::new(0))))
    }

    fn touch(&self) {
        let (start, last) = &*self.0;
        let since = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        last.fetch_max(since, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        let (start, last) = &*self.0;
        *start + Duration::from_millis(last.load(Ordering::Relaxed))
    }

    /// Resolves once nothing has moved for `idle`.
    async fn stalled(&self, idle: Duration) {
        loop {
            let due = self.last() + idle;
            if Instant::now() >= due {
                return;
            }
            tokio::time::sleep_until(due).await;
        }
    }
}

/// A body that fails once no frame has moved on its call for the idle timeout.
struct IdleBody {
    inner: Body,
    idle: Duration,
    activity: Activity,
    timer: Pin<Box<Sleep>>,
}

impl IdleBody {
    fn new(inner: Body, idle: Duration, activity: Activity) -> IdleBody {
        let timer = Box::pin(tokio::time::sleep_until(activity.last() + idle));
        IdleBody {
            inner,
            idle,
            activity,
            timer,
        }
    }
}

impl HttpBody for IdleBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.activity.touch();
            return Poll::Ready(frame);
        }
        loop {
            let due = this.activity.last() + this.idle;
            if this.timer.deadline() != due {
                this.timer.as_mut().reset(due);
            }
            ready!(this.timer.as_mut().poll(cx));
            if this.activity.last() + this.idle <= Instant::now() {
                return Poll::Ready(Some(Err(stalled(this.idle))));
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use tokio::sync::mpsc;

    use super::*;

    /// A body whose frames the test sends when it likes.
    fn channel_body() -> (mpsc::Sender<Bytes>, Body) {
        let (sender, mut receiver) = mpsc::channel::<Bytes>(4);
        let stream = futures_util::stream::poll_fn(move |cx| {
            receiver
                .poll_recv(cx)
                .map(|chunk| chunk.map(|c| Ok::<_, Status>(Frame::data(c))))
        });
        (sender, Body::new(http_body_util::StreamBody::new(stream)))
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_keeps_moving_outlives_any_whole_call_deadline_and_a_stalled_one_fails() {
        let idle = Duration::from_secs(30);
        let (sender, body) = channel_body();
        let mut body = IdleBody::new(body, idle, Activity::new());
        let started = Instant::now();
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(20)).await;
            sender.send(Bytes::from_static(b"chunk")).await.unwrap();
            let frame = body.frame().await.unwrap().unwrap();
            assert_eq!(frame.into_data().unwrap(), "chunk");
        }
        assert!(started.elapsed() >= Duration::from_secs(100));

        let waited = Instant::now();
        let error = body.frame().await.unwrap().unwrap_err();
        assert_eq!(error.code(), tonic::Code::DeadlineExceeded);
        assert_eq!(waited.elapsed(), idle);
        drop(sender);
    }

    #[tokio::test(start_paused = true)]
    async fn one_direction_moving_keeps_the_other_waiting() {
        let idle = Duration::from_secs(30);
        let activity = Activity::new();
        let (up, upload) = channel_body();
        let mut upload = IdleBody::new(upload, idle, activity.clone());
        let (_down, download) = channel_body();
        let mut download = IdleBody::new(download, idle, activity.clone());
        let waiting = tokio::spawn(async move { download.frame().await });
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(20)).await;
            up.send(Bytes::from_static(b"part")).await.unwrap();
            upload.frame().await.unwrap().unwrap();
        }
        assert!(
            !waiting.is_finished(),
            "the answer waits while the upload moves"
        );
        let error = waiting.await.unwrap().unwrap().unwrap_err();
        assert_eq!(error.code(), tonic::Code::DeadlineExceeded);
        activity.stalled(idle).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_unary_call_past_its_deadline_is_deadline_exceeded() {
        let request = http::Request::builder()
            .uri("/atrium.portal.v1.ProjectService/GetProject")
            .body(Body::empty())
            .unwrap();
        let answered = bounded::<_, std::convert::Infallible>(
            request,
            Duration::from_secs(10),
            STREAM_IDLE_TIMEOUT,
            |_| std::future::pending(),
        )
        .await
        .unwrap();
        let status = Status::from_header_map(answered.headers()).unwrap();
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
    }
}

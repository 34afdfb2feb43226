//! Writing revocations into the store: under whatever generation it publishes, before
//! and after the revoking commit, and moving the generation when that cannot be done.

use super::*;

impl SessionCache {
    /// Writes a revocation under the generation the store publishes right now; answers
    /// whether it was written.
    async fn record(&self, revocation: Revocation, now: DateTime<Utc>) -> bool {
        let (tail, value, ttl) = match revocation {
            Revocation::Epoch { customer_id, epoch } => (
                format!(":epoch:{customer_id}"),
                epoch.to_string(),
                EPOCH_TTL,
            ),
            Revocation::Session {
                session_id,
                expires_at,
            } => (
                format!(":seen:{session_id}"),
                ENDED.to_owned(),
                ttl_until(expires_at, now),
            ),
        };
        let written = self
            .0
            .store
            .write_under(GENERATION_KEY, "identity:g", &tail, &value, ttl)
            .await;
        matches!(written, Ok(Some(_)))
    }

    /// Publishes `generation` to the store (unless a later one is there); answers
    /// whether the store took it.
    async fn publish(&self, generation: i64) -> bool {
        self.0
            .store
            .raise(GENERATION_KEY, generation, keeper::GENERATION_TTL)
            .await
            .is_ok_and(|(published, _)| published >= generation)
    }

    /// After moving the generation: publishes it, so no replica trusts the old one past
    /// this answer; where the store cannot be reached, waits until every replica's keeper
    /// has read the new one from the database instead.
    async fn spread(&self, generation: i64) {
        if !self.publish(generation).await {
            tokio::time::sleep(2 * keeper::KEEP_EVERY).await;
        }
    }

    /// Records a revocation before the transaction `tx` that makes it commits. Where the
    /// store cannot take it, the generation moves in `tx` instead: the revocation still
    /// commits, and nothing the store holds is trusted again.
    pub async fn revoke(
        &self,
        tx: &mut Tx,
        revocation: Revocation,
        now: DateTime<Utc>,
    ) -> Result<Revoking, IdentityError> {
        if self.record(revocation, now).await {
            return Ok(Revoking {
                revocation,
                moved_to: None,
            });
        }
        let generation = store::advance_generation(tx, 0, now).await?;
        tracing::info!(
            generation,
            "session store did not take a revocation: the cache generation moves"
        );
        self.distrust();
        Ok(Revoking {
            revocation,
            moved_to: Some(generation),
        })
    }

    /// Completes a revocation once its transaction has committed: writes it again (a
    /// database read from before the commit may have refilled the cache meanwhile, or the
    /// generation moved), and where that fails, moves the generation. Returns once no
    /// replica can take the revoked session for live.
    pub async fn revoked(&self, revoking: Revoking, now: DateTime<Utc>) {
        if let Some(generation) = revoking.moved_to {
            // The keeper may have re-trusted the old generation before the commit.
            self.distrust();
            self.spread(generation).await;
            return;
        }
        if self.record(revoking.revocation, now).await {
            return;
        }
        self.distrust();
        let moved = async {
            let mut tx = self.0.db.begin().await?;
            let generation = store::advance_generation(&mut tx, 0, now).await?;
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(generation)
        };
        match moved.await {
            Ok(generation) => {
                tracing::info!(
                    generation,
                    "session store lost a revocation: the cache generation moves"
                );
                self.spread(generation).await;
            }
            Err(err) => {
                // Nothing is trusted here until the keeper has moved it; other replicas
                // stop trusting the store within a second of losing the database.
                tracing::error!(error = %atrium_common::error::error_chain(&err), "moving the session cache generation");
                self.0.must_move.store(true, Ordering::SeqCst);
                self.distrust();
            }
        }
    }
}

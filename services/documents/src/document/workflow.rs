//! The publish workflow of a document (`documents.md`): `draft → pending → approved →
//! published | rejected`, `reopen` and `unpublish`, and the shortcut `draft → published`
//! for a document whose type needs no approval. Every other move is refused and changes
//! nothing; the store applies a move only from the status it was decided on, so of two
//! racing moves one wins.

atrium_common::text_enum! {
    /// Where a document is in its workflow.
    pub enum Status {
        Draft = "draft",
        Pending = "pending",
        Approved = "approved",
        Published = "published",
        Rejected = "rejected",
    }
}

atrium_common::text_enum! {
    /// What staff do to a document.
    pub enum Action {
        Submit = "submit",
        Approve = "approve",
        Reject = "reject",
        Reopen = "reopen",
        Publish = "publish",
        Unpublish = "unpublish",
    }
}

impl Action {
    /// The audit trail's word for the move done (`document.published`, …).
    pub fn past_tense(self) -> &'static str {
        match self {
            Action::Submit => "submitted",
            Action::Approve => "approved",
            Action::Reject => "rejected",
            Action::Reopen => "reopened",
            Action::Publish => "published",
            Action::Unpublish => "unpublished",
        }
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// 409 `INVALID_TRANSITION`.
    #[error("a {from} document cannot {action}")]
    InvalidTransition {
        from: &'static str,
        action: &'static str,
    },
    /// 409 `APPROVAL_REQUIRED`: the type asks for approval before publishing.
    #[error("this document's type needs approval before it is published")]
    ApprovalRequired,
}

/// The status `action` takes a document in `from` to.
pub fn next(from: Status, action: Action, requires_approval: bool) -> Result<Status, Refused> {
    use Action as A;
    use Status as S;
    match (from, action) {
        (S::Draft, A::Submit) => Ok(S::Pending),
        (S::Pending, A::Approve) => Ok(S::Approved),
        (S::Pending, A::Reject) => Ok(S::Rejected),
        (S::Rejected, A::Reopen) => Ok(S::Draft),
        (S::Approved, A::Publish) => Ok(S::Published),
        (S::Draft, A::Publish) if requires_approval => Err(Refused::ApprovalRequired),
        (S::Draft, A::Publish) => Ok(S::Published),
        (S::Published, A::Unpublish) => Ok(S::Draft),
        (from, action) => Err(Refused::InvalidTransition {
            from: from.as_str(),
            action: action.as_str(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_of_the_table_and_no_other() {
        use Action as A;
        use Status as S;
        let allowed = [
            (S::Draft, A::Submit, S::Pending),
            (S::Pending, A::Approve, S::Approved),
            (S::Pending, A::Reject, S::Rejected),
            (S::Rejected, A::Reopen, S::Draft),
            (S::Approved, A::Publish, S::Published),
            (S::Published, A::Unpublish, S::Draft),
        ];
        for &from in Status::ALL {
            for &action in Action::ALL {
                for requires_approval in [false, true] {
                    let got = next(from, action, requires_approval);
                    let listed = allowed
                        .iter()
                        .find(|(f, a, _)| *f == from && *a == action)
                        .map(|(_, _, to)| *to);
                    let expected = match (listed, from, action) {
                        (Some(to), _, _) => Ok(to),
                        (None, S::Draft, A::Publish) if requires_approval => {
                            Err(Refused::ApprovalRequired)
                        }
                        (None, S::Draft, A::Publish) => Ok(S::Published),
                        (None, from, action) => Err(Refused::InvalidTransition {
                            from: from.as_str(),
                            action: action.as_str(),
                        }),
                    };
                    assert_eq!(got, expected, "{from:?} {action:?} {requires_approval}");
                }
            }
        }
    }
}

//! The canonical vocabulary shared by the SaaS and local paths (SPEC §5.1 NormalizedIssue):
//! statuses, issue types and link types, each an enum with its stored names.

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $(#[doc = $text] $variant),+ }
        impl $name {
            /// Every stored value, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            /// The stored value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Parse a stored value; unknown values fall back to the default (as the original reads).
            pub fn parse_lenient(text: &str) -> $name {
                match text { $($text => $name::$variant,)+ _ => $name::$default }
            }
        }
    };
}

vocabulary!(
    /// Canonical status.
    Status { Todo => "todo", InProgress => "in_progress", InReview => "in_review", Blocked => "blocked", Done => "done", Canceled => "canceled" } default Todo
);
vocabulary!(
    /// Canonical issue type.
    IssueType { Epic => "epic", Story => "story", Task => "task", Bug => "bug", Chore => "chore", Subtask => "subtask" } default Task
);
vocabulary!(
    /// Canonical link type.
    LinkType { Blocks => "blocks", BlockedBy => "blocked_by", RelatesTo => "relates_to", Duplicates => "duplicates", ParentOf => "parent_of", ChildOf => "child_of" } default RelatesTo
);

/// The canonical statuses (SPEC §5.1 NormalizedIssue and PushItem `target_status`).
pub const STATUSES: &[&str] = Status::NAMES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_contract_list() {
        // Oracle: SPEC §5.1, the NormalizedIssue `status` enum, in its order.
        assert_eq!(
            STATUSES,
            [
                "todo",
                "in_progress",
                "in_review",
                "blocked",
                "done",
                "canceled"
            ]
        );
        for name in STATUSES {
            assert_eq!(Status::parse_lenient(name).as_str(), *name);
        }
    }
}

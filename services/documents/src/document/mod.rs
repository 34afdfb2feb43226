//! Project documents: one current file each, a version number and the publish
//! workflow.

pub mod store;
pub mod workflow;

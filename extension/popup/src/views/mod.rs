pub mod activity;
pub mod filters;
pub mod following;
pub mod settings;
pub mod share;
pub mod sync;

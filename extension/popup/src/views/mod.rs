pub mod filters;
pub mod following;
pub mod settings;
pub mod sync;
pub mod share;
pub mod activity;

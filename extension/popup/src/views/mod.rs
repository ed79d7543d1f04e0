pub mod activity;
pub mod filters;
pub mod following;
pub mod inbox;
pub mod settings;
pub mod share;
pub mod sites;
pub mod sync;

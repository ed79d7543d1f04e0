//! The popup's state as a pure reducer: no browser, no storage.

use std::rc::Rc;

use hn_core::settings::Settings;
use yew::Reducible;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    /// Settings as last loaded or saved; `None` while loading.
    pub settings: Option<Settings>,
    /// The form's edits, not yet saved.
    pub draft: Option<Settings>,
    pub version: Option<String>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Status {
    #[default]
    Loading,
    Ready,
    Saving,
    Saved,
    Failed(String),
}

pub enum Action {
    Loaded { settings: Settings, version: String },
    Edit(Settings),
    Saving,
    Saved(Settings),
    Failed(String),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Loaded { settings, version } => {
                next.draft = Some(settings.clone());
                next.settings = Some(settings);
                next.version = Some(version);
                next.status = Status::Ready;
            }
            Action::Edit(s) => {
                next.draft = Some(s);
                next.status = Status::Ready;
            }
            Action::Saving => next.status = Status::Saving,
            Action::Saved(s) => {
                next.draft = Some(s.clone());
                next.settings = Some(s);
                next.status = Status::Saved;
            }
            // A failed save keeps the draft: nothing typed is lost.
            Action::Failed(e) => next.status = Status::Failed(e),
        }
        Rc::new(next)
    }
}

impl State {
    pub fn dirty(&self) -> bool {
        self.draft.is_some() && self.draft != self.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(actions: Vec<Action>) -> Rc<State> {
        actions.into_iter().fold(Rc::new(State::default()), |s, a| s.reduce(a))
    }

    #[test]
    fn edits_make_the_form_dirty_until_saved() {
        let edited = Settings { font_scale: 130, ..Settings::default() };
        let s = apply(vec![
            Action::Loaded { settings: Settings::default(), version: "1".into() },
            Action::Edit(edited.clone()),
        ]);
        assert!(s.dirty());
        let s = s.reduce(Action::Saved(edited));
        assert!(!s.dirty());
        assert_eq!(s.status, Status::Saved);
    }

    #[test]
    fn a_failed_save_keeps_the_draft() {
        let edited = Settings { width: 60, ..Settings::default() };
        let s = apply(vec![
            Action::Loaded { settings: Settings::default(), version: "1".into() },
            Action::Edit(edited.clone()),
            Action::Saving,
            Action::Failed("quota".into()),
        ]);
        assert_eq!(s.draft, Some(edited));
        assert!(s.dirty());
    }
}

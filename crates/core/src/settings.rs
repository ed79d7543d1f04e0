//! Reading settings: what the reader chose for type, width, contrast and
//! theme. Plain data with bounds; the content script turns them into CSS.

use serde::{Deserialize, Serialize};

/// Bounds of the font scale, in percent of HN's own size.
pub const FONT_SCALE: (u16, u16) = (70, 250);
/// Bounds of the content width, in percent of the window.
pub const WIDTH: (u16, u16) = (40, 100);
/// Bounds of the line height, in hundredths.
pub const LINE_HEIGHT: (u16, u16) = (100, 250);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system's light or dark setting.
    #[default]
    System,
    Light,
    Dark,
}

/// What story lists do with stories the reader already read (opened the
/// link or the discussion, as this extension recorded on this device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReadStories {
    #[default]
    Show,
    Dim,
    Hide,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub font_scale: u16,
    pub width: u16,
    pub line_height: u16,
    pub theme: Theme,
    /// Stronger link and visited-link contrast.
    pub high_contrast: bool,
    /// Replace HN's bitmaps with SVG.
    pub crisp_assets: bool,
    /// Count new posts by followed users on the toolbar icon.
    pub badge: bool,
    /// Keyboard bindings (missing actions take their default key).
    pub keys: crate::keys::Bindings,
    pub read_stories: ReadStories,
    /// On a thread visited before, fold the top-level subthreads that hold
    /// no new comment.
    pub fold_old: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            font_scale: 100,
            width: 85,
            line_height: 135,
            theme: Theme::System,
            high_contrast: false,
            crisp_assets: true,
            badge: true,
            keys: crate::keys::Bindings::default(),
            read_stories: ReadStories::Show,
            fold_old: false,
        }
    }
}

impl Settings {
    /// The same settings with every number inside its bounds.
    pub fn clamped(mut self) -> Settings {
        self.font_scale = self.font_scale.clamp(FONT_SCALE.0, FONT_SCALE.1);
        self.width = self.width.clamp(WIDTH.0, WIDTH.1);
        self.line_height = self.line_height.clamp(LINE_HEIGHT.0, LINE_HEIGHT.1);
        // Bindings that clash or are not single keys fall back to the defaults.
        self.keys = self.keys.validated().unwrap_or_default();
        self
    }
}

/// Every class the look may put on the root element.
pub const LOOK_CLASSES: [&str; 5] =
    ["hnew-read", "hnew-theme-dark", "hnew-theme-system", "hnew-contrast", "hnew-crisp"];

/// The settings as the content stylesheet reads them: classes and custom
/// properties on the root element. The background keeps the current look
/// in local storage (`LOOK_KEY`) so a script running before the page is
/// parsed can put it in place, and the page's first style pass already has
/// it; the content script applies the same look, so it changes nothing then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Look {
    pub classes: Vec<&'static str>,
    pub vars: Vec<(&'static str, String)>,
}

/// Where the background keeps the look (`chrome.storage.local`).
pub const LOOK_KEY: &str = "look";

impl Settings {
    pub fn look(&self) -> Look {
        let mut classes = vec!["hnew-read"];
        match self.theme {
            Theme::Dark => classes.push("hnew-theme-dark"),
            Theme::System => classes.push("hnew-theme-system"),
            Theme::Light => {}
        }
        if self.high_contrast {
            classes.push("hnew-contrast");
        }
        if self.crisp_assets {
            classes.push("hnew-crisp");
        }
        let vars = vec![
            ("--hnew-font-scale", hundredths(self.font_scale)),
            ("--hnew-line-height", hundredths(self.line_height)),
            ("--hnew-width", format!("{}%", self.width)),
        ];
        Look { classes, vars }
    }
}

/// `150` → `"1.5"`: a number for CSS written with integers (float
/// formatting would add kilobytes to the content script).
pub fn hundredths(v: u16) -> String {
    let (i, f) = (v / 100, v % 100);
    match f {
        0 => i.to_string(),
        f if f % 10 == 0 => format!("{i}.{}", f / 10),
        f => format!("{i}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_follows_the_settings() {
        let look = Settings::default().look();
        assert_eq!(look.classes, ["hnew-read", "hnew-theme-system", "hnew-crisp"]);
        assert_eq!(look.vars[0], ("--hnew-font-scale", "1".to_string()));
        let s = Settings {
            font_scale: 125,
            line_height: 150,
            width: 70,
            theme: Theme::Dark,
            high_contrast: true,
            crisp_assets: false,
            ..Settings::default()
        };
        let look = s.look();
        assert_eq!(look.classes, ["hnew-read", "hnew-theme-dark", "hnew-contrast"]);
        assert!(look.classes.iter().all(|c| LOOK_CLASSES.contains(c)));
        assert_eq!(
            look.vars,
            [
                ("--hnew-font-scale", "1.25".to_string()),
                ("--hnew-line-height", "1.5".to_string()),
                ("--hnew-width", "70%".to_string())
            ]
        );
        assert_eq!(
            serde_json::to_string(&Settings { theme: Theme::Light, ..Settings::default() }.look()).unwrap(),
            r#"{"classes":["hnew-read","hnew-crisp"],"vars":[["--hnew-font-scale","1"],["--hnew-line-height","1.35"],["--hnew-width","85%"]]}"#
        );
    }

    #[test]
    fn missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"font_scale":120}"#).unwrap();
        assert_eq!(s.font_scale, 120);
        assert_eq!(s.theme, Theme::System);
        assert!(s.crisp_assets);
    }

    #[test]
    fn clamping_keeps_values_in_bounds() {
        let s = Settings { font_scale: 1, width: 500, line_height: 0, ..Settings::default() }.clamped();
        assert_eq!((s.font_scale, s.width, s.line_height), (70, 100, 100));
    }
}

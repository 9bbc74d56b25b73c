//! Functions and filters the theme's templates can call.
//!
//! - `t(key="…")`: the translation string for the page's language (from
//!   `themes/<theme>/i18n/<lang>.yaml`); a missing key is an error.
//! - `url(path="/…")`: a site path with the base path in front.
//! - `permalink(path="/…")`: the same as an absolute address.
//! - `asset(path="/style.css")`: the address of a static style sheet,
//!   script or font under its content-hashed name (`render::assets`), so a
//!   server may let browsers keep it for a year; an error for a file the
//!   theme's `static/` does not fingerprint.
//! - `value | date_local`: an ISO date as readers write it in the page's
//!   language ("20. Januar 2025", "20 January 2025").
//!
//! Functions read the page's language from the context variable `lang`.

use std::sync::Arc;

use jiff::civil::Date;
use tera::{Error, Kwargs, State, Tera, TeraResult};

use super::assets::Assets;
use super::theme::Strings;
use crate::parse::dates::MONTHS_EN;

/// Registers every kommhub function and filter on `tera`.
pub fn register(
    tera: &mut Tera,
    strings: Arc<Strings>,
    assets: Arc<Assets>,
    base_url: &str,
    base_path: &str,
) {
    tera.register_function("t", move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
        let key: String = kwargs.must_get("key")?;
        let lang = current_lang(state, &kwargs)?;
        let read = crate::reads::Read::String(crate::reads::lang(&lang), crate::reads::name(&key));
        crate::reads::record(read);
        strings
            .get(&lang)
            .and_then(|by_key| by_key.get(&key))
            .cloned()
            .ok_or_else(|| {
                Error::message(format!(
                    "the translation string `{key}` is missing for `{lang}`: add `{key}: \"…\"` to i18n/{lang}.yaml"
                ))
            })
    });
    let prefix = base_path.to_string();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{prefix}/{}", path.trim_start_matches('/')))
        },
    );
    register_asset(tera, assets, base_path);
    let origin = base_url.trim_end_matches('/').to_string();
    tera.register_function(
        "permalink",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{origin}/{}", path.trim_start_matches('/')))
        },
    );
    tera.register_filter(
        "date_local",
        |value: &str, kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let lang = current_lang(state, &kwargs)?;
            let day: Date = value
                .get(..10)
                .and_then(|d| d.parse().ok())
                .ok_or_else(|| Error::message(format!("`{value}` is not an ISO date")))?;
            Ok(local_date(day, &lang))
        },
    );
}

/// `asset(path="/style.css")`: the fingerprinted copy's address.
fn register_asset(tera: &mut Tera, assets: Arc<Assets>, base_path: &str) {
    let prefix = base_path.to_string();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let plain = path.trim_start_matches('/');
            crate::reads::record(crate::reads::Read::Asset(crate::reads::name(plain)));
            match assets.get(plain) {
                Some(copy) => Ok(format!("{prefix}/{}", copy.path.as_str())),
                None => Err(Error::message(format!(
                    "`asset(path=\"{path}\")`: the theme's static/ has no style sheet, script or font `{plain}`; check the name, or use `url(path=…)` for other files"
                ))),
            }
        },
    );
}

fn current_lang(state: &State, kwargs: &Kwargs) -> TeraResult<String> {
    if let Some(lang) = kwargs.get::<String>("lang")? {
        return Ok(lang);
    }
    state
        .get::<String>("lang")?
        .ok_or_else(|| Error::message("the context has no `lang`; pass `lang=\"de\"`"))
}

const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// "20. Januar 2025" in German, "20 January 2025" in English, ISO otherwise.
pub fn local_date(day: Date, lang: &str) -> String {
    let month = usize::try_from(day.month() - 1).unwrap_or(0);
    match lang {
        "de" => format!("{}. {} {}", day.day(), MONTHS_DE[month], day.year()),
        "en" => format!("{} {} {}", day.day(), MONTHS_EN[month], day.year()),
        _ => day.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_as_readers_write_them() {
        assert_eq!(local_date(date(2025, 1, 20), "de"), "20. Januar 2025");
        assert_eq!(local_date(date(2025, 3, 5), "de"), "5. März 2025");
        assert_eq!(local_date(date(2025, 1, 20), "en"), "20 January 2025");
        assert_eq!(local_date(date(2025, 1, 20), "fr"), "2025-01-20");
    }
}

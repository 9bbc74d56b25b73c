//! The register's pages that have no content file of their own: each
//! standard's current version at the standard's permanent address, and one
//! register page per filter value, so that filtering works without
//! JavaScript.
//!
//! Part of the render stage. Each page gets the same frame as any other
//! page ([`Frame`]), with `page` filled from the parent module's views.

use std::collections::HashMap;

use tera::{Tera, Value};

use super::{Filter, build_register_view, build_standard_view, filters_of, register_page};
use crate::config::Lang;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::register::RegisteredStandard;
use crate::model::{Page, Site};
use crate::render::body::Bodies;
use crate::render::views::{self, Frame};
use crate::render::{Engine, OutputFile, ThemeFiles, linked_data};

/// The current version of `standard` at its own address `url` in `lang`
/// (a page without a file of its own).
#[allow(clippy::too_many_arguments)]
pub fn render_current(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &HashMap<&Lang, Value>,
    bodies: &Bodies,
    standard: &RegisteredStandard,
    lang: &Lang,
    url: &str,
) -> Result<OutputFile, Diagnostic> {
    crate::reads::record(crate::reads::Read::Standard(
        standard.id.as_str().to_string(),
    ));
    let renderer = Renderer::new(site, theme, tera, site_values, bodies);
    renderer.current_version(standard, lang, url)
}

/// The register's page per filter value (with `register.html`).
pub fn render_filter_pages(
    site: &Site,
    theme: &ThemeFiles,
    tera: &Tera,
    site_values: &HashMap<&Lang, Value>,
    bodies: &Bodies,
) -> Vec<Result<OutputFile, Diagnostic>> {
    crate::reads::record(crate::reads::Read::Register);
    let renderer = Renderer::new(site, theme, tera, site_values, bodies);
    let mut results = Vec::new();
    if tera.contains_template("register.html") {
        for language in &site.config.languages {
            let Some(register) = register_page(site, &language.code) else {
                continue;
            };
            for filter in filters_of(site, register) {
                results.push(renderer.filter_page(register, &filter));
            }
        }
    }
    results
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a ThemeFiles,
    tera: &'a Tera,
    site_values: &'a HashMap<&'a Lang, Value>,
    bodies: &'a Bodies<'a>,
    engine: Engine<'a>,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        theme: &'a ThemeFiles,
        tera: &'a Tera,
        site_values: &'a HashMap<&'a Lang, Value>,
        bodies: &'a Bodies<'a>,
    ) -> Self {
        Renderer {
            site,
            theme,
            tera,
            site_values,
            bodies,
            engine: Engine::new(tera, theme),
        }
    }
}

impl Renderer<'_> {
    /// The current version of `standard` at its own address in `lang`.
    fn current_version(
        &self,
        standard: &RegisteredStandard,
        lang: &Lang,
        url: &str,
    ) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let Some((_, shown)) = standard.shown_in(lang) else {
            return Err(Diagnostic::error(
                Code::StandardNoVersion,
                &standard.folder,
                format!("{} has no version in `{lang}`", standard.id),
                format!(
                    "write the standard in `{lang}` too: add a file such as `<version>.{lang}.md` to this folder"
                ),
            ));
        };
        let page = site.page(shown);
        let mut view = views::page_view(site, page, self.bodies);
        view.url = site.href(url);
        view.permalink = site.permalink(url);
        view.standard = build_standard_view(site, page, true, self.bodies);
        let frame = Frame::new(site, self.site_values, lang, url.to_string(), |other| {
            standard.urls.get(other).map(|url| url.to_string())
        });
        let template = if self.tera.contains_template("standard.html") {
            "standard.html"
        } else {
            "page.html"
        };
        self.engine.render_page(template, frame, view, page)
    }

    /// The register of `register`'s language narrowed by `filter`.
    fn filter_page(&self, register: &Page, filter: &Filter) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let lang = &register.lang;
        let url = filter.url(&register.url, lang);
        let mut view = views::page_view(site, register, self.bodies);
        let register_view = build_register_view(site, register, Some(filter));
        let title = self.filter_title(register, filter, &register_view)?;
        view.title = &title;
        view.url = site.href(&url);
        view.permalink = site.permalink(&url);
        view.summary = title.clone();
        view.content = "".into();
        view.register = Some(register_view);
        // Statuses and associations are the same in every language; topics
        // are written per language and have no counterpart.
        let counterpart = |other: &Lang| -> Option<String> {
            if matches!(filter, Filter::Topic(_)) {
                return None;
            }
            let other_register = register_page(site, other)?;
            filters_of(site, other_register)
                .contains(filter)
                .then(|| filter.url(&other_register.url, other))
        };
        let mut frame = Frame::new(site, self.site_values, lang, url, counterpart);
        frame.linked_data = linked_data::content_page(site, lang, &frame.url, &view);
        // A filter page names its own language first among its alternates,
        // the others follow in the site's order (a stable sort keeps it).
        frame.alternates.sort_by_key(|a| a.lang != lang.as_str());
        crate::render::render_index(
            self.tera,
            self.theme,
            "register.html",
            &frame.context(&view),
            &frame.url,
            &register.doc.path,
        )
    }

    /// "Register – Status: adopted": the register's title, the filter and
    /// the value it selects, in the page's language.
    fn filter_title(
        &self,
        register: &Page,
        filter: &Filter,
        register_view: &views::RegisterView,
    ) -> Result<String, Diagnostic> {
        let lang = &register.lang;
        let group_label = string(
            self.theme,
            lang,
            &format!("register_filter_{}", filter.group()),
        )?;
        let value_label = match filter {
            Filter::Status(status) => {
                string(self.theme, lang, &format!("status_{}", status.key()))?
            }
            _ => register_view
                .filter
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default(),
        };
        Ok(format!(
            "{} – {group_label}: {value_label}",
            register.doc.common.title
        ))
    }
}

/// A theme string the register needs outside templates.
pub(super) fn string(theme: &ThemeFiles, lang: &Lang, key: &str) -> Result<String, Diagnostic> {
    crate::render::theme::string(&theme.strings, lang, key)
        .map(str::to_string)
        .ok_or_else(|| {
            Diagnostic::error(
                Code::ThemeI18nKeyMissing,
                theme.dir.join("i18n").join(format!("{lang}.yaml")),
                format!("the string `{key}` is missing; the standards register needs it"),
                format!("add `{key}: \"…\"`"),
            )
        })
}

//! The serde mirror of `site.yaml`: every struct refuses unknown keys so a
//! typo is reported instead of silently ignored.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::yaml;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSiteConfig {
    pub title: IndexMap<String, String>,
    pub description: Option<IndexMap<String, String>>,
    pub base_url: String,
    pub default_language: String,
    pub languages: IndexMap<String, RawLanguage>,
    pub theme: Option<String>,
    pub news_per_page: Option<usize>,
    pub associations: IndexMap<String, RawAssociation>,
    pub contacts: Option<IndexMap<String, RawContact>>,
    pub accessibility: Option<RawAccessibility>,
    pub extra: Option<BTreeMap<String, yaml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    pub name: String,
    pub typographic_quotes: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssociation {
    pub name: String,
    pub url: String,
    pub social: Option<IndexMap<String, String>>,
    pub boilerplate: Option<IndexMap<String, String>>,
    pub logo: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContact {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: Option<String>,
    pub association: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccessibility {
    pub feedback_url: Option<String>,
    pub ombuds_url: Option<String>,
}

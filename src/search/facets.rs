//! Facets: what kind of page a result is (press release, standard, page),
//! which associations it belongs to and its year, so that the search page
//! filters results without asking for anything more.
//!
//! `index.json` carries the facets of every page in a few bytes each: the
//! distinct combinations of kind, associations and year are listed once,
//! and each page is the number of its combination, written in `width`
//! characters of a 64-letter alphabet, all pages in one string. The
//! 11,000 pages of a language of the 10,000-release benchmark take 11 kB.
//! The same alphabet writes the word shards' postings (`postings_text`).

use std::collections::BTreeMap;

use serde::Serialize;

/// The digits of a page's combination number.
const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// The kinds of indexed pages, in the order the search page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageKind {
    News,
    Standard,
    Page,
}

impl PageKind {
    /// The key in addresses (`?kind=news`) and the theme string of its label.
    pub fn key(self) -> &'static str {
        match self {
            PageKind::News => "news",
            PageKind::Standard => "standard",
            PageKind::Page => "page",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            PageKind::News => "press_release",
            PageKind::Standard => "standard",
            PageKind::Page => "search_kind_page",
        }
    }
}

/// One page's facets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Facet {
    pub kind: PageKind,
    /// Association keys, sorted.
    pub associations: Vec<String>,
    pub year: Option<i16>,
}

/// The `facets` value of `index.json`.
#[derive(Debug, Serialize)]
pub struct FacetTable {
    /// `[key, label]` of each kind, association and year that occurs.
    kind: Vec<(String, String)>,
    association: Vec<(String, String)>,
    year: Vec<(String, String)>,
    /// `[kind, [association, …], year]` as places in the lists above;
    /// year -1 for none.
    combos: Vec<(usize, Vec<usize>, i64)>,
    /// Characters per page in `pages`.
    width: usize,
    pages: String,
}

/// The facet table of `facets` (one per page, in page order). `label`
/// names a kind, `association` an association by its key.
pub fn table(
    facets: &[Facet],
    label: &dyn Fn(PageKind) -> String,
    association: &dyn Fn(&str) -> String,
) -> FacetTable {
    let mut kinds: Vec<PageKind> = facets.iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    let mut keys: Vec<&str> = facets
        .iter()
        .flat_map(|f| f.associations.iter().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut years: Vec<i16> = facets.iter().filter_map(|f| f.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let place = |list: &[&str], key: &str| list.iter().position(|k| *k == key).unwrap_or(0);
    let mut numbers: BTreeMap<&Facet, usize> = BTreeMap::new();
    let mut combos = Vec::new();
    let mut order = Vec::with_capacity(facets.len());
    for facet in facets {
        let next = numbers.len();
        let number = *numbers.entry(facet).or_insert_with(|| {
            combos.push((
                kinds.iter().position(|k| *k == facet.kind).unwrap_or(0),
                facet.associations.iter().map(|a| place(&keys, a)).collect(),
                facet
                    .year
                    .and_then(|y| years.iter().position(|x| *x == y))
                    .map_or(-1, |p| p as i64),
            ));
            next
        });
        order.push(number);
    }
    let width = width(combos.len());
    FacetTable {
        kind: kinds
            .iter()
            .map(|k| (k.key().to_string(), label(*k)))
            .collect(),
        association: keys
            .iter()
            .map(|k| (k.to_string(), association(k)))
            .collect(),
        year: years
            .iter()
            .map(|y| (y.to_string(), y.to_string()))
            .collect(),
        combos,
        width,
        pages: order.iter().map(|n| digits(*n, width)).collect(),
    }
}

/// How many alphabet characters number `count` combinations.
fn width(count: usize) -> usize {
    let mut width = 1;
    while ALPHABET.len().pow(width as u32) < count {
        width += 1;
    }
    width
}

/// One digit of the alphabet (`value` below 64).
pub fn digit(value: u32) -> char {
    char::from(ALPHABET[value as usize % ALPHABET.len()])
}

/// `number` in `width` characters, most significant first.
fn digits(mut number: usize, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for place in out.iter_mut().rev() {
        *place = ALPHABET[number % ALPHABET.len()];
        number /= ALPHABET.len();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(kind: PageKind, associations: &[&str], year: Option<i16>) -> Facet {
        Facet {
            kind,
            associations: associations.iter().map(|a| a.to_string()).collect(),
            year,
        }
    }

    #[test]
    fn each_combination_is_listed_once_and_pages_name_theirs() {
        let facets = [
            facet(PageKind::News, &["itk"], Some(2025)),
            facet(PageKind::Page, &[], None),
            facet(PageKind::News, &["itk"], Some(2025)),
            facet(PageKind::Standard, &["itk", "kdvz"], Some(2024)),
        ];
        let table = table(&facets, &|k| k.key().to_uppercase(), &|a| {
            format!("Verband {a}")
        });
        let json = serde_json::to_value(&table).unwrap_or_default();
        assert_eq!(
            json["kind"],
            serde_json::json!([["news", "NEWS"], ["standard", "STANDARD"], ["page", "PAGE"]])
        );
        assert_eq!(
            json["association"][1],
            serde_json::json!(["kdvz", "Verband kdvz"])
        );
        assert_eq!(
            json["year"],
            serde_json::json!([["2025", "2025"], ["2024", "2024"]])
        );
        assert_eq!(
            json["combos"],
            serde_json::json!([[0, [0], 0], [2, [], -1], [1, [0, 1], 1]])
        );
        assert_eq!(json["width"], 1);
        assert_eq!(json["pages"], "0102");
    }

    #[test]
    fn many_combinations_take_more_characters_per_page() {
        assert_eq!(width(1), 1);
        assert_eq!(width(64), 1);
        assert_eq!(width(65), 2);
        assert_eq!(digits(65, 2), "11");
        assert_eq!(digits(63, 2), "0_");
    }
}

//! URL segments and heading ids from German (and other) text.
//!
//! Generic slug crates fold `ä` to `a`, which reads wrong to German
//! readers (`Buergerbuero`, not `Burgerburo`). We apply the German
//! transliteration first (ä→ae, ö→oe, ü→ue, ß→ss), then let deunicode fold
//! whatever is left (é→e), then keep lower-case ASCII letters and digits
//! joined by single hyphens.

/// Turns `text` into a URL segment: `"Öffnungszeiten"` → `"oeffnungszeiten"`.
pub fn slugify(text: &str) -> String {
    let mut german = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            'ä' => german.push_str("ae"),
            'ö' => german.push_str("oe"),
            'ü' => german.push_str("ue"),
            'Ä' => german.push_str("Ae"),
            'Ö' => german.push_str("Oe"),
            'Ü' => german.push_str("Ue"),
            'ß' => german.push_str("ss"),
            'ẞ' => german.push_str("SS"),
            // deunicode spells § as "SS", which reads like ß.
            '§' => german.push(' '),
            other => german.push(other),
        }
    }
    let folded = deunicode::deunicode(&german);
    let mut slug = String::with_capacity(folded.len());
    let mut pending_hyphen = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    slug
}

/// Hands out ids that are unique within one page: the second "Ziele"
/// heading becomes `ziele-1`.
#[derive(Debug, Default)]
pub struct UniqueIds {
    taken: std::collections::HashSet<String>,
}

impl UniqueIds {
    /// Reserves `id` as-is (explicit ids written by the author).
    pub fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_string());
    }

    /// A fresh id derived from `text`.
    pub fn make(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = "abschnitt".to_string();
        }
        let mut candidate = base.clone();
        let mut n = 1;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(slugify(input), expected, "slug of {input:?}");
    }

    #[test]
    fn german_transliteration_comes_before_folding() {
        check("Bürgerbüro", "buergerbuero");
        check("Straße", "strasse");
        check("Öffnungszeiten", "oeffnungszeiten");
        check("Jüchen", "juechen");
        check("Café", "cafe");
        check("ÄRGER", "aerger");
    }

    #[test]
    fn punctuation_becomes_single_hyphens() {
        check(
            "  Kooperation: ITK & kdvz — 2025!  ",
            "kooperation-itk-kdvz-2025",
        );
        check("E-Government-Gesetz NRW", "e-government-gesetz-nrw");
        check("§ 18 Abs. 2 MStV", "18-abs-2-mstv");
    }

    #[test]
    fn ids_are_unique_within_a_page() {
        let mut ids = UniqueIds::default();
        ids.reserve("ziele-1");
        assert_eq!(ids.make("Ziele"), "ziele");
        assert_eq!(ids.make("Ziele"), "ziele-2");
        assert_eq!(ids.make("!!!"), "abschnitt");
    }
}

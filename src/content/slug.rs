//! Slugs: the ASCII words of a title or file name, as they appear in URLs.

/// Longest slug made from a title, in characters; longer ones are cut at a word boundary.
const MAX_LEN: usize = 80;

/// Turns any text into a lower-case ASCII slug. Non-Latin scripts are transliterated
/// (`浙江` gives `zhe-jiang`); the result may be empty when nothing in the text has letters.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(text, "-");
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() > MAX_LEN {
        let cut = slug[..MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    slug
}

/// Whether a slug written by hand is safe as one URL segment: no separators, no `.` or `..`,
/// only characters that need no escaping in a URL.
pub fn is_safe_segment(slug: &str) -> bool {
    !slug.is_empty()
        && slug != "."
        && slug != ".."
        && !slug.starts_with('.')
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_title_becomes_hyphenated_words() {
        assert_eq!(
            slugify("Zhejiang Signs Cooperative Agreement with AQSIQ"),
            "zhejiang-signs-cooperative-agreement-with-aqsiq"
        );
        assert_eq!(
            slugify("  “One Belt, One Road” -- 2017!  "),
            "one-belt-one-road-2017"
        );
    }

    #[test]
    fn cjk_title_is_transliterated_to_ascii() {
        let slug = slugify("浙江省与国家质检总局签署合作协议");
        assert!(!slug.is_empty());
        assert!(slug.starts_with("zhe-jiang"), "{slug}");
        assert!(
            slug.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
    }

    #[test]
    fn cyrillic_and_greek_are_transliterated() {
        assert_eq!(slugify("Новости"), "novosti");
        assert_eq!(slugify("Ειδήσεις"), "eideseis");
    }

    #[test]
    fn accents_are_dropped() {
        assert_eq!(slugify("Élection à Montréal"), "election-a-montreal");
    }

    #[test]
    fn all_emoji_title_still_gives_a_slug() {
        let slug = slugify("🎉🚀");
        assert!(!slug.is_empty(), "emoji are transliterated to their names");
        assert!(is_safe_segment(&slug));
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify(&"word ".repeat(40));
        assert!(slug.len() <= MAX_LEN);
        assert!(slug.ends_with("word"));
    }

    #[test]
    fn unsafe_hand_written_slugs_are_refused() {
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", "/abs", ".hidden", "a b",
        ] {
            assert!(!is_safe_segment(bad), "{bad:?} should be refused");
        }
        assert!(is_safe_segment("content_123.htm"));
    }
}

//! Pagination: any list split into numbered pages, page 1 at the listing's own URL.

use std::ops::Range;

/// How many pages a list of `len` items needs; an empty list still has its first page.
pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page.max(1)).max(1)
}

/// The items of page `number` (counting from 1).
pub fn page_range(len: usize, per_page: usize, number: usize) -> Range<usize> {
    let per_page = per_page.max(1);
    let start = ((number.max(1) - 1) * per_page).min(len);
    start..(start + per_page).min(len)
}

/// The URL of page `number` of a listing at `base`: `base` itself for page 1, else
/// `base` + `page/N/`.
pub fn page_url(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_five_items_make_three_pages_of_twenty() {
        assert_eq!(page_count(45, 20), 3);
        assert_eq!(page_range(45, 20, 1), 0..20);
        assert_eq!(page_range(45, 20, 3), 40..45);
        assert_eq!(page_count(40, 20), 2);
        assert_eq!(page_count(0, 20), 1);
    }

    #[test]
    fn first_page_lives_at_the_listing_url() {
        assert_eq!(page_url("/archive/2017/", 1), "/archive/2017/");
        assert_eq!(page_url("/archive/2017/", 2), "/archive/2017/page/2/");
    }
}

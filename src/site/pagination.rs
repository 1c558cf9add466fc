//! Pagination: a list, newest first, split into pages that keep their articles for good.
//!
//! The listing's own URL (page 0 here, the front) shows the newest `per_page` articles. The
//! numbered pages hold the list counted from the oldest: page 1 the oldest `per_page`
//! articles, page 2 the next, and every numbered page is full; the newest articles that fill
//! no numbered page yet are on the front alone. So `/news/page/37/` shows the same articles in
//! ten years as today, a link to it stays true, and publishing an article changes the front
//! and at most a few pages, not every page of the listing. A numbered page is made once a
//! newer article follows its last, so the newest one always holds some articles the front
//! does not (and may repeat some it does).

use std::ops::Range;

/// How many pages below the current one, and above it, a pagination links to by number.
pub const WINDOW: usize = 3;

/// How many numbered pages a list of `len` items has (besides the front): the full pages
/// that a newer item follows; none when the front shows the whole list.
pub fn numbered(len: usize, per_page: usize) -> usize {
    len.saturating_sub(1) / per_page.max(1)
}

/// The items (as positions in the newest-first list) of page `number`: 0 for the front.
pub fn page_range(len: usize, per_page: usize, number: usize) -> Range<usize> {
    let per_page = per_page.max(1);
    let pages = numbered(len, per_page);
    if number == 0 {
        return 0..len.min(per_page);
    }
    if number > pages {
        return len..len;
    }
    // Counted from the oldest, page `number` holds items `(number - 1) * per_page` on.
    len - number * per_page..len - (number - 1) * per_page
}

/// The order of a list being paginated: pages are counted from its oldest items either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    /// In time order, as a day's articles are.
    OldestFirst,
}

/// The items of page `number` of a list in `order`: [`page_range`], for either order.
pub fn page_range_in(order: Order, len: usize, per_page: usize, number: usize) -> Range<usize> {
    let range = page_range(len, per_page, number);
    match order {
        Order::NewestFirst => range,
        Order::OldestFirst => len - range.end..len - range.start,
    }
}

/// The numbers of the pages of a list of `len` items: 0 (the front), then from the oldest.
pub fn page_numbers(len: usize, per_page: usize) -> std::ops::RangeInclusive<usize> {
    0..=numbered(len, per_page)
}

/// The newest numbered page that page `number` of a listing with `numbered` numbered pages
/// shows a link to, or whose existence it shows: its pagination depends on no more than this,
/// so that a page far from the front is the same whatever is published after it.
pub fn horizon(number: usize, numbered: usize) -> usize {
    if number == 0 {
        numbered
    } else {
        numbered.min(number + WINDOW)
    }
}

/// The URL of page `number` of a listing at `base`: `base` itself for the front, else
/// `base` + `page/N/`.
pub fn page_url(base: &str, number: usize) -> String {
    if number == 0 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_pages_are_full_and_the_front_shows_the_newest() {
        // 45 items by 20: page 1 holds the oldest 20, page 2 the next 20, and the newest 5
        // are on the front only, with 15 of page 2.
        assert_eq!(numbered(45, 20), 2);
        assert_eq!(page_range(45, 20, 0), 0..20);
        assert_eq!(page_range(45, 20, 1), 25..45);
        assert_eq!(page_range(45, 20, 2), 5..25);
        // 60 items: the newest 20 are on the front alone, until a newer one follows them.
        assert_eq!(page_numbers(60, 20), 0..=2);
        assert_eq!(page_range(60, 20, 2), 20..40);
        assert_eq!(page_numbers(61, 20), 0..=3);
        assert_eq!(page_range(61, 20, 3), 1..21);
        // Short lists are the front alone.
        assert_eq!(numbered(20, 20), 0);
        assert_eq!(numbered(21, 20), 1);
        assert_eq!(page_range(20, 20, 0), 0..20);
        assert_eq!(page_numbers(0, 20), 0..=0);
        assert_eq!(page_range(0, 20, 0), 0..0);
    }

    #[test]
    fn a_numbered_page_keeps_its_items_when_newer_ones_come() {
        for len in 21..200 {
            // The same oldest-first positions, whatever the number of newer items.
            let oldest_first = |len: usize, page: usize| {
                let r = page_range(len, 20, page);
                (len - r.end)..(len - r.start)
            };
            for page in 1..=numbered(len, 20) {
                assert_eq!(oldest_first(len, page), (page - 1) * 20..page * 20, "{len}");
                assert_eq!(oldest_first(len + 1, page), oldest_first(len, page));
            }
            // Every item is on a page, and on one numbered page at most.
            let mut seen: Vec<usize> = (1..=numbered(len, 20))
                .flat_map(|p| page_range(len, 20, p))
                .collect();
            seen.extend(
                page_range(len, 20, 0)
                    .filter(|i| !seen.contains(i))
                    .collect::<Vec<_>>(),
            );
            seen.sort_unstable();
            assert_eq!(seen, (0..len).collect::<Vec<_>>());
            // The newest numbered page holds items the front does not show.
            assert!(page_range(len, 20, numbered(len, 20)).end > 20, "{len}");
        }
    }

    #[test]
    fn a_list_in_time_order_has_its_oldest_items_on_page_1() {
        // 45 items, oldest first: page 1 holds the first 20, the front the last 20.
        assert_eq!(page_range_in(Order::OldestFirst, 45, 20, 1), 0..20);
        assert_eq!(page_range_in(Order::OldestFirst, 45, 20, 0), 25..45);
        assert_eq!(page_range_in(Order::NewestFirst, 45, 20, 1), 25..45);
    }

    #[test]
    fn a_page_sees_the_numbers_near_it() {
        assert_eq!(horizon(0, 50), 50);
        assert_eq!(horizon(10, 50), 13);
        assert_eq!(horizon(49, 50), 50);
    }

    #[test]
    fn the_front_lives_at_the_listing_url() {
        assert_eq!(page_url("/archive/2017/", 0), "/archive/2017/");
        assert_eq!(page_url("/archive/2017/", 2), "/archive/2017/page/2/");
    }
}

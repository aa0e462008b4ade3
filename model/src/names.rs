//! Human names for interned ids, as traces show them: `saver-1`, `url-1`, `scene-1`, and URL
//! sets rendered as `[url-1, url-3]`. Ids are small integers in the state; names exist only
//! when a human reads a trace.

/// A set of URLs, one bit per URL id (URL i is bit i).
pub type UrlSet = u32;

/// `url-1` for URL id 0.
pub fn url(id: usize) -> String {
    format!("url-{}", id + 1)
}

/// `scene-1` for scene index 0.
pub fn scene(index: usize) -> String {
    format!("scene-{}", index + 1)
}

/// `saver-1` for saver index 0.
pub fn saver(index: usize) -> String {
    format!("saver-{}", index + 1)
}

/// `[url-1, url-3]`: the URLs of a set in id order.
pub fn url_set(set: UrlSet) -> String {
    let names: Vec<String> = (0..UrlSet::BITS as usize)
        .filter(|i| set & (1 << i) != 0)
        .map(url)
        .collect();
    format!("[{}]", names.join(", "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn url_sets_render_in_id_order() {
        assert_eq!(super::url_set(0b101), "[url-1, url-3]");
        assert_eq!(super::url_set(0), "[]");
    }
}

//! Items for hover cards (HN's API, cached ten minutes, at most `KEPT`) and
//! past discussions of a link (HN's search API at hn.algolia.com, asked
//! only when the reader clicks, cached an hour).

use std::collections::BTreeMap;

use hn_core::activity::ApiItem;
use hn_core::items::{past_from_algolia, Hits, ItemCard, PastStory};
use serde::{Deserialize, Serialize};

const CARDS_KEY: &str = "item_cards";
const PAST_KEY: &str = "past_discussions";
const CARD_TTL_MS: f64 = 10.0 * 60_000.0;
const PAST_TTL_MS: f64 = 60.0 * 60_000.0;
const KEPT: usize = 200;
const PAST_KEPT: usize = 50;

#[derive(Serialize, Deserialize, Clone)]
struct Kept<T> {
    at: f64,
    value: T,
}

/// A map in `chrome.storage.local` of values with their time, the oldest
/// dropped beyond `kept`.
async fn cached<T: Clone + Serialize + for<'de> Deserialize<'de>>(key: &str, id: &str, ttl: f64) -> Option<T> {
    let map: BTreeMap<String, Kept<T>> =
        hn_ext::Stored::at(hn_ext::Area::Local, key.to_string(), "a cache of items").load().await;
    map.get(id).filter(|k| js_sys::Date::now() - k.at < ttl).map(|k| k.value.clone())
}

async fn keep<T: Clone + Serialize + for<'de> Deserialize<'de>>(key: &str, id: &str, value: T, kept: usize) {
    let mut map: BTreeMap<String, Kept<T>> =
        hn_ext::Stored::at(hn_ext::Area::Local, key.to_string(), "a cache of items").load().await;
    map.insert(id.to_string(), Kept { at: js_sys::Date::now(), value });
    while map.len() > kept {
        let oldest = map.iter().min_by(|a, b| a.1.at.total_cmp(&b.1.at)).map(|(k, _)| k.clone());
        map.remove(&oldest.unwrap_or_default());
    }
    if let Err(e) = hn_ext::set_typed(hn_ext::Area::Local, key, &map).await {
        crate::log(&format!("could not keep {key}: {e}"));
    }
}

pub async fn card(id: u64) -> Result<ItemCard, String> {
    if let Some(c) = cached::<ItemCard>(CARDS_KEY, &id.to_string(), CARD_TTL_MS).await {
        return Ok(c);
    }
    let url = format!("https://hacker-news.firebaseio.com/v0/item/{id}.json");
    let item: ApiItem = crate::net::get_json(&url, "HN's API").await?.ok_or_else(|| format!("HN has no item {id}"))?;
    let card = ItemCard::from_api(item);
    keep(CARDS_KEY, &id.to_string(), card.clone(), KEPT).await;
    Ok(card)
}

pub async fn past(id: u64, link: &str) -> Result<Vec<PastStory>, String> {
    if let Some(p) = cached::<Vec<PastStory>>(PAST_KEY, link, PAST_TTL_MS).await {
        return Ok(p);
    }
    let hits: Hits = crate::net::get_json(&hn_core::items::algolia_url(link), "HN's search")
        .await?
        .ok_or("HN's search sent nothing")?;
    let stories = past_from_algolia(hits, link, id);
    keep(PAST_KEY, link, stories.clone(), PAST_KEPT).await;
    Ok(stories)
}

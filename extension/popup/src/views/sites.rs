//! Sites beyond Hacker News: each is off until the reader turns it on here,
//! which is when Chrome asks for access to that site (an optional host
//! permission). Turning it off gives the access back. The background
//! registers or unregisters the content script when the permission changes.

use hn_core::text;
use hn_ext::{site_access, Access};
use yew::prelude::*;

#[function_component(SitesView)]
pub fn sites_view() -> Html {
    let rows = hn_core::site::SITES
        .iter()
        .filter(|s| !hn_core::site::is_hn(s.id))
        .map(|s| html! { <SiteRow host={s.host} name={s.name} id={s.id} /> });
    html! {
        <section class="sites" aria-label={text::POPUP_SITES_HEADING}>
            <h2>{ text::POPUP_SITES_HEADING }</h2>
            <p class="meta">{ text::POPUP_SITES_INTRO }</p>
            <ul>{ for rows }</ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    host: &'static str,
    name: &'static str,
    id: &'static str,
}

#[function_component(SiteRow)]
fn site_row(props: &RowProps) -> Html {
    // None while not known yet.
    let on = use_state(|| None::<bool>);
    let message = use_state(String::new);
    {
        let (on, host) = (on.clone(), props.host);
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                on.set(Some(site_access(Access::Has, host).await.unwrap_or(false)));
            });
        });
    }
    let onclick = {
        let (on, message, host, name) = (on.clone(), message.clone(), props.host, props.name);
        Callback::from(move |_: MouseEvent| {
            let turn_on = *on != Some(true);
            // Asked in the click itself: Chrome shows its prompt only for a
            // gesture.
            let answer = site_access(if turn_on { Access::Request } else { Access::Remove }, host);
            let (on, message) = (on.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match answer.await {
                    Ok(true) => {
                        on.set(Some(turn_on));
                        message.set(if turn_on {
                            text::popup_sites_turned_on(name)
                        } else {
                            text::popup_sites_turned_off(name)
                        });
                    }
                    Ok(false) if turn_on => message.set(text::popup_sites_not_allowed(name)),
                    Ok(false) => message.set(text::popup_sites_cannot_turn_off(name)),
                    Err(e) => message.set(text::popup_sites_not_changed(e)),
                }
            });
        })
    };
    let label = match *on {
        None => text::POPUP_SITES_BUTTON_UNKNOWN,
        Some(true) => text::POPUP_SITES_TURN_OFF,
        Some(false) => text::POPUP_SITES_TURN_ON,
    };
    html! {
        <li class="site" data-site={props.id} data-on={on.map(|o| o.to_string())}>
            <strong>{ props.name }</strong>{ " " }<span class="meta">{ props.host }</span>{ " " }
            <button type="button" id={format!("site-{}", props.id)} disabled={on.is_none()} {onclick}>{ label }</button>
            if !message.is_empty() { <span class="meta" role="status">{ (*message).clone() }</span> }
        </li>
    }
}

//! IT suspects turned into rules: the suspects of a run (largest accounts, suppliers and texts), a form (account or
//! range, keyword, pool, why) whose effect is shown by re-running with the rule before it is saved to the
//! workspace's rules file (tried before the defaults; downloaded as `rules.toml`).

use super::runs::{execute, finished, job};
use super::state::OwnRule;
use super::{pages, App, Fail};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use std::sync::Arc;

/// `GET /runs/{id}/suspects`.
pub async fn page(State(app): State<Arc<App>>, Path(id): Path<u64>) -> Result<Html<String>, Fail> {
    let f = finished(&app, id)?;
    Ok(Html(pages::suspects_page(app.lang(), id, &f.result)))
}

fn rule_of(form: &[(String, String)], n: usize) -> Result<OwnRule, Fail> {
    let get = |k: &str| {
        form.iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let r = OwnRule {
        id: format!("own-{n}"),
        account: get("account"),
        keyword: get("keyword"),
        field: get("field"),
        pool: get("pool"),
        why: get("why"),
    };
    if r.account.is_empty() && r.keyword.is_empty() {
        return Err(Fail::bad(
            "a rule needs an account (or range) or a keyword".into(),
        ));
    }
    if crate::rules::taxonomy::Pool::parse(&r.pool).is_none() {
        return Err(Fail::bad(format!("unknown pool '{}'", r.pool)));
    }
    if r.why.is_empty() {
        return Err(Fail::bad(
            "say why (it is shown wherever the rule decides)".into(),
        ));
    }
    // The rule must parse as the CLI would read it.
    let text = super::config_toml::rules_toml(std::slice::from_ref(&r), None).unwrap_or_default();
    crate::rules::parse_rules(
        &text,
        crate::rules::RulesSource::File(std::path::Path::new("rules.toml")),
    )
    .map_err(|e| Fail::bad(e.to_string()))?;
    Ok(r)
}

/// `POST /runs/{id}/rule`: re-runs the run's workspace with the rule first and shows the change per
/// municipality (IT cost, share, suspects) before it is saved.
pub async fn preview(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Html<String>, Fail> {
    let before = finished(&app, id)?;
    let n = app.ws.lock().unwrap_or_else(|p| p.into_inner()).rules.len() + 1;
    let rule = rule_of(&form, n)?;
    let dir = app
        .dir
        .join("runs")
        .join(format!("{id}-preview-{}", app.next_file()));
    let j = job(&app, dir, Some(&rule), false);
    let after = app
        .runs
        .slot(move || execute(j))
        .await?
        .map_err(Fail::bad)?;
    Ok(Html(pages::preview_page(
        app.lang(),
        id,
        &rule,
        &before.result,
        &after.result,
        &super::config_toml::rule_block(&rule),
    )))
}

/// `POST /rules/save`: adds the rule to the workspace's rules (the next run uses it).
pub async fn save(
    State(app): State<Arc<App>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, Fail> {
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    let rule = rule_of(&form, ws.rules.len() + 1)?;
    ws.rules.push(rule);
    Ok(Redirect::to("/#rules").into_response())
}

/// `POST /rules/{n}/delete`.
pub async fn delete(State(app): State<Arc<App>>, Path(n): Path<usize>) -> Result<Response, Fail> {
    let mut ws = app.ws.lock().unwrap_or_else(|p| p.into_inner());
    if n < ws.rules.len() {
        ws.rules.remove(n);
    }
    Ok(Redirect::to("/#rules").into_response())
}

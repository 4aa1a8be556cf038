//! Bind by discovery, as spec-kitty 3.2's `tracker bind --provider P` does
//! (reference/upstream-3.2-tracker.md §5.2): the project identity goes to bind-resolve; an
//! exact match binds (confirming its candidate token when it is not bound yet), candidates are
//! chosen (`--select N`, or a list on a terminal), `none` stops; a candidate token that expired
//! in between (`invalid_candidate_token`) is resolved again once. `--bind-ref` goes to
//! bind-validate instead. The result is what the `tracker:` block records.

use super::bindable::{
    context_pairs, Candidate, ConfirmEnvelope, ResolveEnvelope, ValidateEnvelope,
};
use super::client::TrackerClient;
use super::errors::unexpected_response;
use crate::config::SaasBinding;
use crate::error::{CliError, ErrorKind};
use serde_json::Value;

/// Offers a list on the terminal: the prompt and the items; the chosen index, `None` when
/// cancelled.
pub type Ask = fn(&str, &[String]) -> Result<Option<usize>, CliError>;

/// How a candidate is chosen when the server offers several.
#[derive(Debug, Clone, Copy)]
pub struct Chooser {
    /// `--select N` (1-based).
    pub select: Option<u64>,
    /// How to offer the list, when a terminal is attached.
    pub ask: Option<Ask>,
}

/// What a resolve answer leads to.
enum Next {
    /// Bound already: nothing to confirm.
    Bound(SaasBinding),
    /// Confirm this candidate token.
    Confirm(String),
}

/// `--bind-ref R`: the server checks the ref for this project; invalid is an error with its
/// reason and guidance.
pub async fn validate(
    client: &TrackerClient,
    binding_ref: &str,
    identity: &Value,
) -> Result<SaasBinding, CliError> {
    let answer: ValidateEnvelope = client.bind_validate(binding_ref, identity).await?.typed()?;
    if !answer.valid {
        let reason = answer.reason.unwrap_or_else(|| "unknown reason".to_owned());
        let guidance = answer.guidance.unwrap_or_default();
        let message = format!("Binding ref '{binding_ref}' is not valid: {reason}. {guidance}");
        return Err(CliError::failed("invalid_binding_ref", message.trim_end())
            .hint(format!(
                "`spec-kitty-tracker discover --provider {}` lists the bindable resources",
                client.provider
            ))
            .detail("binding_ref", binding_ref));
    }
    Ok(SaasBinding {
        binding_ref: Some(binding_ref.to_owned()),
        project_slug: None,
        display_label: answer.display_label,
        provider_context: context_pairs(answer.provider_context),
    })
}

/// Resolve the project and bind it: exact, chosen candidate, or an error saying why not.
pub async fn resolve_and_bind(
    client: &TrackerClient,
    identity: &Value,
    chooser: Chooser,
) -> Result<SaasBinding, CliError> {
    let first = resolve(client, identity).await?;
    let next = match next_step(&first, client, chooser.select)? {
        Some(next) => next,
        None => {
            // Several candidates and no --select: ask on a terminal, else list them and stop.
            let Some(offer) = chooser.ask else {
                return Err(needs_selection(&client.provider, &first.candidates));
            };
            let n = ask(offer, &client.provider, &first.candidates)?;
            // As 3.2.7 does: resolve again (the tokens may have aged while the user chose).
            let again = resolve(client, identity).await?;
            next_step(&again, client, Some(n))?
                .ok_or_else(|| needs_selection(&client.provider, &again.candidates))?
        }
    };
    let token = match next {
        Next::Bound(binding) => return Ok(binding),
        Next::Confirm(token) => token,
    };
    match confirm(client, &token, identity).await {
        Err(e) if is_expired_token(&e) => {}
        done => return done,
    }
    let again = resolve(client, identity).await?;
    let retry = match again.match_type.as_str() {
        "none" => return Err(expired("could not rediscover a bindable resource")),
        "candidates" if chooser.select.is_none() && chooser.ask.is_some() => {
            return Err(expired("found multiple candidates"))
        }
        "candidates" if chooser.select.is_none() => {
            return Err(expired("still requires manual selection"))
        }
        _ => next_step(&again, client, chooser.select)?,
    };
    match retry {
        Some(Next::Bound(binding)) => Ok(binding),
        Some(Next::Confirm(token)) => confirm(client, &token, identity).await,
        None => Err(expired("still requires manual selection")),
    }
}

async fn resolve(client: &TrackerClient, identity: &Value) -> Result<ResolveEnvelope, CliError> {
    client.bind_resolve(identity).await?.typed()
}

/// The step a resolve answer leads to; `None` for candidates without a selection.
fn next_step(
    answer: &ResolveEnvelope,
    client: &TrackerClient,
    select: Option<u64>,
) -> Result<Option<Next>, CliError> {
    let endpoint = "POST /api/v1/tracker/bind-resolve/";
    match answer.match_type.as_str() {
        // A blank ref or token is no ref or token (as blanks are everywhere in the config).
        "exact" => match (non_blank(&answer.binding_ref), non_blank(&answer.candidate_token)) {
            (Some(r), _) => Ok(Some(Next::Bound(SaasBinding {
                binding_ref: Some(r.to_owned()),
                project_slug: answer.project_slug.clone(),
                display_label: answer.display_label.clone(),
                provider_context: None,
            }))),
            (None, Some(token)) => Ok(Some(Next::Confirm(token.to_owned()))),
            (None, None) => Err(unexpected_response(
                endpoint,
                "an exact match without `binding_ref` or `candidate_token`",
            )),
        },
        "candidates" => {
            let Some(n) = select else { return Ok(None) };
            let count = answer.candidates.len();
            answer
                .candidates
                .iter()
                .find(|c| c.sort_position + 1 == n)
                .map(|c| Some(Next::Confirm(c.candidate_token.clone())))
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "Selection {n} is out of range. Valid range: 1-{count}."
                    ))
                })
        }
        "none" => Err(CliError::failed(
            "no_bindable_resources",
            format!(
                "No bindable resources found for provider '{}'. Verify the tracker is connected in the SaaS dashboard.",
                client.provider
            ),
        )
        .hint("connect the tracker in the Spec Kitty dashboard, then run this command again")),
        other => Err(unexpected_response(
            endpoint,
            &format!("unknown match_type `{other}` (expected exact, candidates or none)"),
        )),
    }
}

fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

/// The candidates in the order their numbers give (sort_position).
fn ordered(candidates: &[Candidate]) -> Vec<&Candidate> {
    let mut list: Vec<&Candidate> = candidates.iter().collect();
    list.sort_by_key(|c| c.sort_position);
    list
}

/// The usage error of a bind that must choose but cannot ask: the numbered candidates and the
/// `--select` hint.
fn needs_selection(provider: &str, candidates: &[Candidate]) -> CliError {
    let mut message = format!("Multiple resources found for provider '{provider}':");
    for c in ordered(candidates) {
        message.push_str(&format!(
            "\n  {}. {} ({} confidence)\n     Reason: {}",
            c.sort_position + 1,
            c.display_label,
            c.confidence,
            c.match_reason
        ));
    }
    CliError::usage(message).hint(format!(
        "choose one with `spec-kitty-tracker bind --provider {provider} --select N` (no terminal to ask on)"
    ))
}

/// Offer the candidates in a list on the terminal; the chosen one's number (1-based).
fn ask(offer: Ask, provider: &str, candidates: &[Candidate]) -> Result<u64, CliError> {
    let list = ordered(candidates);
    let items: Vec<String> = list
        .iter()
        .map(|c| {
            crate::term::clean(
                &format!(
                    "{} ({} confidence) — {}",
                    c.display_label, c.confidence, c.match_reason
                ),
                true,
            )
            .into_owned()
        })
        .collect();
    let prompt = format!("Multiple resources found for provider '{provider}'; select one");
    match offer(&prompt, &items)? {
        Some(i) => Ok(list[i].sort_position + 1),
        None => Err(CliError::new(
            ErrorKind::Usage,
            "bind_cancelled",
            "Bind cancelled: no resource selected.",
        )),
    }
}

async fn confirm(
    client: &TrackerClient,
    token: &str,
    identity: &Value,
) -> Result<SaasBinding, CliError> {
    let bound: ConfirmEnvelope = client.bind_confirm(token, identity).await?.typed()?;
    Ok(SaasBinding {
        binding_ref: Some(bound.binding_ref),
        project_slug: bound.project_slug,
        display_label: Some(bound.display_label),
        provider_context: context_pairs(bound.provider_context),
    })
}

/// The server's refusal of a candidate token that expired (or is unknown).
fn is_expired_token(e: &CliError) -> bool {
    e.code == "invalid_candidate_token"
        || e.details.get("category").and_then(Value::as_str) == Some("invalid_candidate_token")
}

fn expired(what: &str) -> CliError {
    CliError::failed(
        "invalid_candidate_token",
        format!("Candidate token expired and retry {what}. Please retry the bind operation."),
    )
}

//! Posting a sign-in form (legacy `/signin`, OneAPI's token endpoint) and reading the answer
//! within [`ERROR_BODY_LIMIT`]: what both ways in share, so their transport and body failures
//! are classified and counted alike.

use std::sync::Arc;

use crate::body::{read_capped, ERROR_BODY_LIMIT};
use crate::error::{Error, SignInFailure};
use crate::stats::ApiStats;

/// A sign-in endpoint's answer.
pub(super) struct Answer {
    pub status: u16,
    /// The `Content-Type`, when readable.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// POSTs `form` to `url`, counting the request under `endpoint`. Only failures to get an
/// answer are errors here; the status is the caller's to judge.
pub(super) async fn post(
    http: &reqwest::Client,
    url: &str,
    endpoint: &'static str,
    form: &[(&str, &str)],
    stats: &ApiStats,
) -> Result<Answer, Error> {
    let response = match http.post(url).form(form).send().await {
        Ok(r) => r,
        Err(e) => {
            stats.record_request(endpoint, None);
            return Err(Error::SignIn {
                reason: SignInFailure::Network,
                detail: crate::error::transport_kind(&e).to_string(),
                // reqwest's error names the URL, never the form: the secret stays out.
                source: Some(Arc::new(e)),
            });
        }
    };
    let status = response.status().as_u16();
    stats.record_request(endpoint, Some(status));
    let content_type = crate::body::content_type(&response);
    let body = read_capped(endpoint, response, ERROR_BODY_LIMIT).await;
    if status != 200 {
        // The status says what happened; the body only adds an `id` or a cause, if it is
        // readable within the limit.
        return Ok(Answer {
            status,
            content_type,
            body: body.unwrap_or_default(),
        });
    }
    let body = body.map_err(|e| Error::SignIn {
        reason: match e {
            Error::BodyTooLarge { .. } => SignInFailure::BadResponse,
            _ => SignInFailure::Network,
        },
        detail: "reading the sign-in response".into(),
        source: Some(Arc::new(e)),
    })?;
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

//! Reading response bodies with a size limit: streamed, and given up the moment the limit is
//! passed, so a hostile or broken server cannot make the exporter buffer more than it allows.

use crate::error::Error;

/// The most an error body (401, 403, 404, 5xx, a refused sign-in) may be: they are read only
/// for their `id`, a few hundred bytes.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Reads `response`'s body, at most `limit` bytes.
pub async fn read_capped(
    endpoint: &'static str,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let declared = response.content_length();
    let too_large = || Error::BodyTooLarge {
        endpoint,
        limit,
        declared,
    };
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::transport(endpoint, e))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error answer's body, read within [`ERROR_BODY_LIMIT`]; empty when it is unreadable or
/// too large (the status says enough then).
pub async fn error_body(endpoint: &'static str, response: reqwest::Response) -> Vec<u8> {
    read_capped(endpoint, response, ERROR_BODY_LIMIT)
        .await
        .unwrap_or_default()
}

/// The `id` of an error body ([`error_body`]), if it has one.
pub async fn error_id(endpoint: &'static str, response: reqwest::Response) -> Option<String> {
    crate::error::error_id(&error_body(endpoint, response).await)
}

/// The answer's `Content-Type`, when readable.
pub fn content_type(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

//! Issuing temporary credentials: a new `ASIA…` key, its secret, and the sealed session token
//! that carries both.

use portcullis_model::{new_id, new_secret_access_key, IdKind};
use portcullis_protocol::{AwsError, ResponseWriter};
use portcullis_service::session::SessionClaims;
use portcullis_service::Service;
use time::OffsetDateTime;

/// Fills in a fresh key pair, seals the claims and writes `<Credentials>`.
pub fn issue(
    svc: &Service,
    mut claims: SessionClaims,
    out: &mut ResponseWriter,
) -> Result<(), AwsError> {
    {
        let mut rng = rand::rng();
        claims.access_key_id = new_id(IdKind::TemporaryAccessKey, &mut rng);
        claims.secret = new_secret_access_key(&mut rng);
    }
    let token = svc
        .tokens()
        .seal(&claims)
        .map_err(|_| AwsError::internal_failure())?;
    let expiration = OffsetDateTime::from_unix_timestamp(claims.expires)
        .map_err(|_| AwsError::internal_failure())?;
    out.start("Credentials")
        .element("AccessKeyId", &claims.access_key_id)
        .element("SecretAccessKey", &claims.secret)
        .element("SessionToken", &token)
        .timestamp("Expiration", expiration)
        .end();
    claims.secret.clear();
    Ok(())
}

/// Reads `DurationSeconds` within `[min, max]` (AWS's ValidationError otherwise).
pub fn duration(
    req: &portcullis_protocol::QueryRequest,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, AwsError> {
    match req.opt_i32("DurationSeconds")? {
        None => Ok(default),
        Some(v) => {
            let v = i64::from(v);
            if v < min {
                return Err(AwsError::validation(format!(
                    "1 validation error detected: Value '{v}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {min}"
                )));
            }
            if v > max {
                return Err(AwsError::validation(format!(
                    "1 validation error detected: Value '{v}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to {max}"
                )));
            }
            Ok(v)
        }
    }
}

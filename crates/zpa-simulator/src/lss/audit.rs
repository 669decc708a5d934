//! Audit Logs (`zpn_audit_log`) records: a few administrators sign in, change the tenant's
//! objects (mostly updates, some creations, the odd deletion) and sign out again. The records
//! have no `LogTimestamp`; their times are the change's `ModifiedTime` and the object's
//! `CreationTime`. `ModifiedBy`, `ObjectID` and `CustomerID` are 64-bit ids rendered as bare
//! JSON numbers, beyond what a double holds exactly, as ZPA sends them.

use serde_json::json;

use super::names::{AuditObject, Names};
use super::template::{Fields, Value};
use crate::tenant::Rng;

/// (user name, id offset from the customer id). The first is the administrator the generated
/// tenant's objects name in `modifiedBy` (customer id + 1).
const ADMINS: [(&str, u64); 3] = [("zpaadmin", 1), ("netops", 2), ("secops", 3)];

/// Objects created by the stream get ids this far above the customer id: beyond the generated
/// tenant's (100 000 above it, one per object) and the control API's (a million further).
const CREATED_ID_OFFSET: u64 = 9_000_000;

/// What a change does, with its weight among changes.
const CHANGES: [(&str, u64); 3] = [("Update", 70), ("Create", 20), ("Delete", 10)];

/// The object type sign-ins are filed under; ZPA does not document it.
const SIGN_IN_OBJECT: &str = "Authentication";

struct Admin {
    id: u64,
    user: String,
    session: Option<String>,
}

/// The Audit generator's state.
pub struct Audit {
    rng: Rng,
    admins: Vec<Admin>,
    /// Objects the stream created, which later deletions prefer.
    created: Vec<(AuditObject, u64)>,
    next_created: u64,
}

/// `simulated-customer` for `Simulated Customer`: the admins' mail domain.
fn slug(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.trim_matches('-').to_string()
}

fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// 25 lower-case letters and digits, like the session ids ZPA's sample shows.
fn session_id(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..25)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// The object as the audit values show it: every field a string, as ZPA's sample has them.
fn value_of(o: &AuditObject, enabled: bool, description: &str) -> String {
    json!({
        "id": o.id,
        "name": o.name,
        "description": description,
        "enabled": enabled.to_string(),
    })
    .to_string()
}

impl Audit {
    pub fn new(names: &Names, seed: u64) -> Audit {
        let customer_id: u64 = names.customer_id.parse().unwrap_or(0);
        let domain = format!("{}.zpa-customer.com", slug(&names.customer));
        Audit {
            rng: Rng::new(seed ^ 0xA0D1_7106),
            admins: ADMINS
                .iter()
                .map(|(user, offset)| Admin {
                    id: customer_id + offset,
                    user: format!("{user}@{domain}"),
                    session: None,
                })
                .collect(),
            created: Vec::new(),
            next_created: customer_id + CREATED_ID_OFFSET,
        }
    }

    pub fn next(&mut self, names: &Names, now_us: u64) -> Fields {
        let r = &mut self.rng;
        let a = r.below(self.admins.len() as u64) as usize;
        let signed_in = self.admins[a].session.is_some();
        let operation = if !signed_in {
            "Sign In"
        } else if r.percent(10) || names.audit_objects.is_empty() {
            "Sign Out"
        } else {
            super::web::weighted(r, &CHANGES)
        };
        if operation == "Sign In" {
            self.admins[a].session = Some(session_id(r));
        }
        let admin = &self.admins[a];
        let session = admin.session.clone().unwrap_or_default();
        let days_ago = |r: &mut Rng| now_us.saturating_sub(r.range(1, 900) * 86_400_000_000);

        let (kind, name, id, created_us, old, new);
        match operation {
            "Sign In" | "Sign Out" => {
                (kind, name, id) = (SIGN_IN_OBJECT, admin.user.clone(), admin.id);
                (created_us, old, new) = (now_us, String::new(), String::new());
            }
            "Create" => {
                let n = self.next_created;
                self.next_created += 1;
                let template = r.pick(&names.audit_objects);
                let object = AuditObject {
                    kind: template.kind,
                    id: n.to_string(),
                    name: format!("new-{}-{:04}", slug(template.kind), n % 10_000),
                };
                (kind, name, id) = (object.kind, object.name.clone(), n);
                (created_us, old) = (now_us, String::new());
                new = value_of(&object, true, "created by the simulator's audit stream");
                self.created.push((object, now_us));
            }
            "Delete" => {
                let (object, created) = match self.created.pop() {
                    Some(c) => c,
                    None => (r.pick(&names.audit_objects).clone(), days_ago(r)),
                };
                (kind, name) = (object.kind, object.name.clone());
                id = object.id.parse().unwrap_or(0);
                created_us = created;
                old = value_of(&object, true, &object.name);
                new = String::new();
            }
            _ => {
                let object = r.pick(&names.audit_objects);
                (kind, name) = (object.kind, object.name.clone());
                id = object.id.parse().unwrap_or(0);
                created_us = days_ago(r);
                // Most updates reword the description; some switch the object off or on.
                let enabled_before = !r.percent(10);
                let toggles = r.percent(30);
                old = value_of(object, enabled_before, &object.name);
                let description = if toggles {
                    object.name.clone()
                } else {
                    format!("{} (rev {})", object.name, r.range(2, 40))
                };
                new = value_of(object, enabled_before ^ toggles, &description);
            }
        }
        if operation == "Sign Out" {
            self.admins[a].session = None;
        }
        let admin = &self.admins[a];

        let mut f = Fields::new();
        f.insert("modifiedTime", Value::Time(Some(now_us)));
        f.insert("creationTime", Value::Time(Some(created_us)));
        f.insert("modifiedBy", admin.id.into());
        f.insert("requestId", uuid(&mut self.rng).into());
        f.insert("sessionId", session.into());
        f.insert("auditOldValue", old.into());
        f.insert("auditNewValue", new.into());
        f.insert("auditOperationType", operation.into());
        f.insert("objectType", kind.into());
        f.insert("objectName", name.into());
        f.insert("objectId", id.into());
        f.insert("customerId", names.customer_id.as_str().into());
        f.insert("modifiedByUser", admin.user.as_str().into());
        // 0 in ZPA's sample; what sets it is not documented.
        f.insert("clientAuditUpdate", 0u64.into());
        f
    }
}

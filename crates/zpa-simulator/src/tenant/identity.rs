//! Certificates (browser access and enrollment), identity providers with their SCIM groups,
//! and the policy rules that refer to them.

use super::*;

impl Gen<'_> {
    pub(super) fn clientless_certificates(&mut self) {
        let names = [
            "portal", "jenkins", "pra01", "grafana", "wiki", "crm", "sso", "status",
        ];
        let n = 4 + self.cfg.microtenants;
        for i in 0..n {
            let id = self.id();
            let mt = if i < 2 { 0 } else { i % self.mts.len() };
            let host = format!(
                "{}.{}",
                names[i % names.len()],
                CORP_DOMAINS[i % CORP_DOMAINS.len()]
            );
            let (from, to) = match i {
                // Expired ten days ago, like the real BA certificate in the recordings.
                0 => (self.anchor - 375 * DAY, self.anchor - 10 * DAY),
                // Due within 30 days.
                1 => (self.anchor - 345 * DAY, self.anchor + 20 * DAY),
                _ => {
                    let from = self.anchor - self.rng.range(10 * DAY, 300 * DAY);
                    (from, from + self.rng.range(400 * DAY, 1100 * DAY))
                }
            };
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            let serial = format!("{}{:020}", 7359, self.rng.next_u64());
            o.s("name", &host)
                .s("description", &host)
                .ns("validFromInEpochSec", from)
                .ns("validToInEpochSec", to)
                .s("certificate", &fake_pem("CERTIFICATE", &host))
                .s(
                    "issuedTo",
                    &format!("CN={host},OU=IT,O=Example Corp,L=San Jose,ST=CA,C=US"),
                )
                .s(
                    "issuedBy",
                    "CN=Example Corp Issuing CA 01,DC=example,DC=com",
                )
                .s("serialNo", &serial)
                .s("publicKey", &fake_pem("PUBLIC KEY", &host))
                .strs("san", std::slice::from_ref(&host))
                .b("readOnly", false)
                .b("zscalerManaged", false)
                .s("cName", &host);
            self.owner_fields(&mut o, mt);
            let json = o.done();
            self.push(Resource::ClientlessCertificate, id, mt, None, json);
        }
    }

    pub(super) fn enrollment_certificates(&mut self) {
        let cid = self.cfg.customer_id.clone();
        let far = self.anchor + 24_000 * DAY;
        // (name, valid from, valid to: None for a CSR-only entry, signing, client type)
        let certs: [(&str, u64, Option<u64>, bool, &str); 7] = [
            ("Root", self.anchor - 1800 * DAY, Some(far), true, "NONE"),
            (
                "Client",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "ZAPP_CLIENT",
            ),
            (
                "Connector",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "NONE",
            ),
            (
                "Service Edge",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "NONE",
            ),
            (
                "Legacy Connector 2019",
                self.anchor - 1500 * DAY,
                Some(self.anchor - 40 * DAY),
                false,
                "NONE",
            ),
            (
                "Partner Intermediate",
                self.anchor - 700 * DAY,
                Some(self.anchor + 12 * DAY),
                true,
                "NONE",
            ),
            ("Pending CSR", self.anchor - 2 * DAY, None, false, "NONE"),
        ];
        for (i, (name, from, to, signing, client)) in certs.into_iter().enumerate() {
            let id = (6_571 + i).to_string();
            let cn = format!("{cid}.zpa-customer.com/{name}");
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("cName", &cn);
            if let Some(to) = to {
                o.ns("validFromInEpochSec", from)
                    .ns("validToInEpochSec", to)
                    .s("certificate", &fake_pem("CERTIFICATE", &cn))
                    .s("issuedTo", &format!("O=Zscaler,OU=Private Access,CN={cn}"))
                    .s(
                        "issuedBy",
                        &format!("O=Zscaler,OU=Private Access,CN={cid}.zpa-customer.com/Root"),
                    )
                    .s("serialNo", &format!("9213{:020}", self.rng.next_u64()));
            }
            o.s("name", name)
                .b("allowSigning", signing)
                .b("privateKeyPresent", to.is_some())
                .s("clientCertType", client);
            if i > 0 {
                o.ns("parentCertId", 6_571).s("parentCertName", "Root");
            }
            if to.is_none() {
                o.s("csr", &fake_pem("CERTIFICATE REQUEST", &cn));
            }
            o.b("storeInHsm", false)
                .b("readOnly", false)
                .b("zscalerManaged", false);
            let json = o.done();
            self.push(Resource::EnrollmentCert, id, 0, None, json);
        }
    }

    /// Returns `(idp id, SCIM group ids)` of each SCIM-enabled IdP, for policy conditions.
    pub(super) fn idps_and_scim_groups(&mut self) -> Vec<(u64, String, Vec<u64>)> {
        let mut scim = Vec::new();
        let mut next_group = 3_000_000u64;
        let names = [
            "Okta Workforce",
            "ZSlogin",
            "Entra ID",
            "Ping Federate",
            "Google Workspace",
        ];
        for i in 0..self.cfg.idps {
            let id_num = self.next_id;
            let id = self.id();
            let admin = i == 1;
            let scim_enabled = i % 2 == 0;
            let name = if admin {
                format!("ZSlogin_{}", self.cfg.customer_id)
            } else if i < names.len() {
                names[i].to_string()
            } else {
                format!("IdP-{:02}", i + 1)
            };
            let (from, to) = if i == 3 {
                (self.anchor - 340 * DAY, self.anchor + 25 * DAY)
            } else {
                let from = self.anchor - self.rng.range(30 * DAY, 700 * DAY);
                (from, from + 3650 * DAY)
            };
            let mut cert = Obj::new();
            cert.s("cName", &format!("idp-{}.example.com", i + 1))
                .s("serialNo", &self.rng.next_u64().to_string())
                .s("certificate", &fake_pem("CERTIFICATE", &name))
                .ns("validFromInSec", from)
                .ns("validToInSec", to);
            let cert = cert.done();
            let sp = "https://config.private.zscaler.com/auth";
            let mut meta = Obj::new();
            meta.s("spEntityId", &format!("{sp}/metadata/{id}"))
                .s("spPostUrl", &format!("{sp}/{id}/sso"))
                .s("certificateUrl", &format!("{sp}/{id}/certificate"))
                .s("spMetadataUrl", &format!("{sp}/{id}/metadata"))
                .s("spBaseUrl", sp);
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("name", &name)
                .raw("certificates", &json_array(&[cert]))
                .s(
                    "loginUrl",
                    &format!("https://idp{}.example.com/sso/saml", i + 1),
                )
                .s(
                    "idpEntityId",
                    &format!("http://idp{}.example.com/{:x}", i + 1, self.rng.next_u64()),
                )
                .ns("autoProvision", 0)
                .ns("signSamlRequest", 1)
                .strs("ssoType", &[if admin { "ADMIN" } else { "USER" }])
                .strs("domainList", &["example.com"])
                .b("useCustomSPMetadata", true)
                .b("scimEnabled", scim_enabled)
                .b("enableScimBasedPolicy", scim_enabled)
                .b("disableSamlBasedPolicy", false)
                .b("reauthOnUserUpdate", false)
                .ns("userSpSigningCertId", 0)
                .ns("enableArbitraryAuthDomains", u8::from(admin))
                .raw(
                    if admin {
                        "adminMetadata"
                    } else {
                        "userMetadata"
                    },
                    &meta.done(),
                )
                .b("oneIdentityEnabled", false);
            if scim_enabled {
                o.s(
                    "scimServiceProviderEndpoint",
                    &format!("https://scim1.private.zscaler.com/scim/1/{id}/v2"),
                )
                .b("scimSharedSecretExists", true);
            }
            o.b("forceAuth", false)
                .b("loginHint", true)
                .b("enabled", i != 4)
                .s(
                    "delta",
                    &format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64()),
                )
                .b("redirectBinding", false);
            let json = o.done();
            self.push(Resource::Idp, id.clone(), 0, None, json);

            if scim_enabled {
                let mut groups = Vec::new();
                for j in 0..self.cfg.scim_groups_per_idp {
                    let gid = next_group;
                    next_group += 1;
                    let gname = if j < SCIM_GROUP_NAMES.len() {
                        SCIM_GROUP_NAMES[j].to_string()
                    } else {
                        format!("{}-{j}", SCIM_GROUP_NAMES[j % SCIM_GROUP_NAMES.len()])
                    };
                    let created = self.anchor - self.rng.range(DAY, 800 * DAY);
                    let modified = created + self.rng.below(self.anchor - created);
                    let uuid = self.uuid();
                    let mut g = Obj::new();
                    g.n("id", gid)
                        .n("modifiedTime", modified)
                        .n("creationTime", created)
                        .s("name", &gname)
                        .n("idpId", id_num)
                        .null("idpGroupId")
                        .s("internalId", &uuid);
                    let json = g.done();
                    self.push(
                        Resource::ScimGroup,
                        gid.to_string(),
                        0,
                        Some(id.clone()),
                        json,
                    );
                    groups.push(gid);
                }
                scim.push((id_num, name, groups));
            }
        }
        scim
    }

    pub(super) fn policy_rules(&mut self, scim: &[(u64, String, Vec<u64>)]) {
        let n = self.cfg.policy_rules_per_type;
        for (ptype, num, _) in POLICY_TYPES {
            let set_id = self.id();
            let (actions, default_action): (&[&str], &str) = match ptype {
                "ACCESS_POLICY" => (
                    &["ALLOW", "ALLOW", "ALLOW", "DENY", "REQUIRE_APPROVAL"],
                    "DENY",
                ),
                "TIMEOUT_POLICY" => (&["RE_AUTH"], "RE_AUTH"),
                "CLIENT_FORWARDING_POLICY" => (
                    &["INTERCEPT", "BYPASS", "INTERCEPT_ACCESSIBLE"],
                    "INTERCEPT",
                ),
                "ISOLATION_POLICY" => (&["ISOLATE", "BYPASS_ISOLATE"], "BYPASS_ISOLATE"),
                _ => (&["INSPECT", "BYPASS_INSPECT"], "BYPASS_INSPECT"),
            };
            for i in 0..n {
                let default = i == n - 1;
                let id = self.id();
                let mut o = Obj::new();
                o.s("id", &id);
                self.stamp(&mut o);
                let name = if default {
                    "Default_Rule".to_string()
                } else {
                    format!(
                        "{}-rule-{:02}",
                        ptype.split('_').next().unwrap_or("rule").to_lowercase(),
                        i + 1
                    )
                };
                let action = if default {
                    default_action
                } else {
                    *self.rng.pick(actions)
                };
                o.s("name", &name)
                    .s("description", &format!("{name} ({ptype})"))
                    .ns("ruleOrder", i + 1)
                    .ns("priority", n - i)
                    .s("policyType", num)
                    .s("operator", "AND")
                    .s("action", action);
                if ptype == "TIMEOUT_POLICY" {
                    let (t, idle) = if default {
                        (-1i64, -1i64)
                    } else {
                        (3_456_000, 2_592_000)
                    };
                    o.ns("reauthTimeout", t).ns("reauthIdleTimeout", idle);
                }
                let disabled = !default && self.rng.percent(15);
                o.ns("disabled", u8::from(disabled))
                    .b("extranetEnabled", false)
                    .b("devicePostureFailureNotificationEnabled", false)
                    .s("policySetId", &set_id);
                if !default && !scim.is_empty() {
                    let conditions = self.conditions(&id, scim);
                    o.raw("conditions", &conditions);
                }
                o.s("defaultRuleName", "Default_Rule")
                    .b("defaultRule", default)
                    .b("readOnly", false)
                    .b("zscalerManaged", false);
                if ptype == "ISOLATION_POLICY" && action == "ISOLATE" {
                    o.ns("zpnIsolationProfileId", self.next_id + 9_000);
                }
                let json = o.done();
                self.push(Resource::PolicyRules, id, 0, Some(ptype.to_string()), json);
            }
        }
    }

    pub(super) fn conditions(&mut self, rule: &str, scim: &[(u64, String, Vec<u64>)]) -> String {
        let (idp, idp_name, groups) = self.rng.pick(scim).clone();
        let cond_id = 46_277_000 + self.rng.below(100_000);
        let mut operands = Vec::new();
        for k in 0..(1 + self.rng.below(2)) {
            if groups.is_empty() {
                break;
            }
            let g = *self.rng.pick(&groups);
            let mut op = Obj::new();
            op.ns("id", cond_id + 1 + k);
            self.stamp(&mut op);
            op.s("objectType", "SCIM_GROUP")
                .ns("lhs", idp)
                .ns("rhs", g)
                .ns("idpId", idp)
                .s("idpName", &idp_name)
                .ns("conditionId", cond_id);
            operands.push(op.done());
        }
        if operands.is_empty() || self.rng.percent(30) {
            let mut op = Obj::new();
            op.ns("id", cond_id + 9);
            self.stamp(&mut op);
            op.s("objectType", "CLIENT_TYPE")
                .s("lhs", "id")
                .s("rhs", "zpn_client_type_zapp")
                .s("name", "zpn_client_type_zapp")
                .ns("conditionId", cond_id);
            operands.push(op.done());
        }
        let mut c = Obj::new();
        c.ns("id", cond_id);
        self.stamp(&mut c);
        c.s("operator", "OR")
            .b("negated", false)
            .raw("operands", &json_array(&operands))
            .s("ruleGid", rule);
        json_array(&[c.done()])
    }
}

/// A PEM-shaped placeholder: real shape, no real key material.
fn fake_pem(label: &str, subject: &str) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD
        .encode(format!("zpa-simulator placeholder {label} for {subject}"));
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
}

//! The vocabulary generated objects draw from: microtenant, location, platform and application
//! names, version profiles, and the deliberately awkward names that test label escaping.

pub(super) const MICROTENANT_NAMES: [&str; 10] = [
    "Finance",
    "Engineering",
    "Retail EMEA",
    "Research & Development",
    "Logistics",
    "Legal",
    "Manufacturing",
    "Healthcare",
    "Partners",
    "Subsidiary-APAC",
];

/// (id, name, version) of the version profiles; connectors expect their group's version.
pub(super) const PROFILES: [(&str, &str, &str); 3] = [
    ("0", "Default", "24.692.9"),
    ("1", "Previous Default", "24.566.1"),
    ("2", "New Release", "26.52.3"),
];
pub(super) const OLD_VERSIONS: [&str; 3] = ["23.402.1", "24.121.7", "24.313.2"];

/// (location, latitude, longitude, cityCountry, countryCode, public broker)
pub(super) const LOCATIONS: [(&str, &str, &str, &str, &str, &str); 6] = [
    (
        "San Jose, CA, USA",
        "37.3382082",
        "-121.8863286",
        "San Jose, US",
        "US",
        "US-CA-9396",
    ),
    (
        "Frankfurt, Germany",
        "50.1109221",
        "8.6821267",
        "Frankfurt, DE",
        "DE",
        "DE-FRA-2201",
    ),
    (
        "Tokyo, Japan",
        "35.6761919",
        "139.6503106",
        "Tokyo, JP",
        "JP",
        "JP-TYO-1102",
    ),
    (
        "London, UK",
        "51.5072178",
        "-0.1275862",
        "London, GB",
        "GB",
        "GB-LDN-3304",
    ),
    (
        "São Paulo, Brazil",
        "-23.5557714",
        "-46.6395571",
        "Sao Paulo, BR",
        "BR",
        "BR-SAO-1407",
    ),
    (
        "Sydney, NSW, Australia",
        "-33.8688197",
        "151.2092955",
        "Sydney, AU",
        "AU",
        "AU-SYD-1810",
    ),
];

/// (platform, runtimeOS)
pub(super) const PLATFORMS: [(&str, &str); 4] = [
    ("el9", "Red Hat Enterprise Linux 9.5"),
    ("el9", "Rocky Linux 9.4 (Blue Onyx)"),
    ("el8", "Red Hat Enterprise Linux 8.10 (Ootpa)"),
    ("el7", "CentOS Linux 7 (Core)"),
];
pub(super) const PLATFORM_DETAILS: [&str; 5] = [
    "ESXi",
    "AWS",
    "Azure",
    "GCP",
    "Docker-Zscaler RedHat Image - ZSIVersion: 2024.11",
];

/// (name prefix, tcp port pairs, udp port pairs)
type AppKind = (&'static str, &'static [(u16, u16)], &'static [(u16, u16)]);
pub(super) const APP_KINDS: [AppKind; 15] = [
    ("crm", &[(443, 443)], &[]),
    ("erp", &[(443, 443), (8443, 8443)], &[]),
    ("wiki", &[(443, 443), (80, 80)], &[]),
    ("git", &[(443, 443), (22, 22)], &[]),
    ("jira", &[(443, 443)], &[]),
    ("ssh-bastion", &[(22, 22)], &[]),
    ("rdp-farm", &[(3389, 3389)], &[(3389, 3389)]),
    ("hr-portal", &[(443, 443)], &[]),
    ("grafana", &[(3000, 3000)], &[]),
    ("vault", &[(8200, 8201)], &[]),
    ("k8s-api", &[(6443, 6443)], &[]),
    ("db-primary", &[(5432, 5432), (1433, 1433)], &[]),
    ("intranet", &[(80, 80), (443, 443)], &[]),
    ("dns-resolver", &[(53, 53)], &[(53, 53)]),
    ("build-farm", &[(8000, 8999)], &[]),
];
pub(super) const CORP_DOMAINS: [&str; 3] =
    ["corp.example.com", "int.example.net", "apps.example.org"];

pub(super) const SCIM_GROUP_NAMES: [&str; 12] = [
    "All Employees",
    "Engineering",
    "Finance",
    "Sales EMEA",
    "Contractors",
    "IT Admins",
    "Support Tier 2",
    "R&D",
    "Ops-oncall",
    "Executives",
    "Interns",
    "Ventas \"LatAm\" \\ 営業",
];

/// Names that exercise escaping in every consumer; the first segment and connector of the
/// Default microtenant always carry one.
pub(super) const TRICKY_SEGMENT: &str = "Payroll \"Legacy\" \\ 給与システム";
pub(super) const TRICKY_CONNECTOR: &str = "conn \"東京\" \\ edge-01";

"""Drives Zscaler's own Python SDK (zscaler-sdk-python, legacy API key client) against a ZPA
simulator, for crates/zpa-simulator/tests/zscaler_sdk.rs.

The SDK has no URL setting: the legacy client's PRODUCTION base URL is pointed at the simulator
before the client exists. Its response cache is switched off so every call reaches the server.

Input: environment ZPA_SIM_BASE_URL, ZPA_CUSTOMER_ID, ZPA_CLIENT_ID, ZPA_CLIENT_SECRET; on
stdin a JSON plan naming what to search for and read by id. Output: one JSON object on stdout
with what the SDK returned (ids, and the fields the test compares); the Rust test holds the
expectations. Any SDK error is fatal: exit 1 with the error on stderr.
"""

import json
import os
import sys

os.environ["ZSCALER_CLIENT_CACHE_ENABLED"] = "false"

import zscaler.constants  # noqa: E402

zscaler.constants.ZPA_BASE_URLS["PRODUCTION"] = os.environ["ZPA_SIM_BASE_URL"]

from zscaler.oneapi_client import LegacyZPAClient  # noqa: E402


def checked(call, what):
    result, resp, err = call
    if err is not None:
        sys.exit(f"{what}: {err}")
    return result, resp


def every_page(call, what):
    """All pages of a list call, following the SDK's own has_next/next."""
    items, resp = checked(call, what)
    items, pages = list(items), 1
    while resp.has_next():
        more, resp = checked(resp.next(), f"{what} (page {pages + 1})")
        items.extend(more or [])
        pages += 1
    return items, pages


def ids(items):
    return [str(x.id) for x in items]


def main():
    plan = json.load(sys.stdin)
    config = {
        "clientId": os.environ["ZPA_CLIENT_ID"],
        "clientSecret": os.environ["ZPA_CLIENT_SECRET"],
        "customerId": os.environ["ZPA_CUSTOMER_ID"],
        "cloud": "PRODUCTION",
        "timeout": 20,
    }
    out = {}
    with LegacyZPAClient(config) as client:
        zpa = client.zpa

        segs = zpa.application_segment
        listed, pages = every_page(segs.list_segments(query_params={"page_size": 50}), "segments")
        found, _ = checked(segs.list_segments(query_params={"search": plan["segment"]["name"]}), "segment search")
        got, _ = checked(segs.get_segment(plan["segment"]["id"]), "segment by id")
        out["segments"] = {
            "list": ids(listed),
            "pages": pages,
            "search": ids(found),
            "get": {"id": str(got.id), "name": got.name, "enabled": got.enabled},
        }

        conns = zpa.app_connectors
        listed, _ = every_page(conns.list_connectors(query_params={"page_size": 500}), "connectors")
        found, _ = checked(
            conns.list_connectors(query_params={"search": "controlChannelStatus+EQ+ZPN_STATUS_DISCONNECTED"}),
            "connector search",
        )
        got, _ = checked(conns.get_connector(plan["connector"]), "connector by id")
        out["connectors"] = {
            "list": ids(listed),
            "search": ids(found),
            "get": {"id": str(got.id), "status": got.control_channel_status},
        }

        keys = zpa.provisioning
        out["keys"] = {}
        for kind, wanted in plan["keys"].items():
            listed, _ = every_page(keys.list_provisioning_keys(kind), f"{kind} keys")
            found, _ = checked(keys.list_provisioning_keys(kind, query_params={"search": wanted["name"]}), f"{kind} key search")
            got, _ = checked(keys.get_provisioning_key(wanted["id"], kind), f"{kind} key by id")
            out["keys"][kind] = {
                "list": ids(listed),
                "search": ids(found),
                "get": {"id": str(got.id), "usage": got.usage_count, "max": got.max_usage, "group": got.zcomponent_id},
            }

        limit, _ = checked(segs.get_current_and_max_limit(), "application limit")
        out["limit"] = limit

        lss = zpa.lss
        listed, _ = every_page(lss.list_configs(), "lss configs")
        got, _ = checked(lss.get_config(plan["lss"]), "lss config by id")
        out["lss"] = {
            "list": [[str(x.id), x.config.source_log_type, x.config.lss_port, x.config.enabled] for x in listed],
            "get": {"id": str(got.id), "type": got.config.source_log_type, "groups": [str(g.id) for g in got.connector_groups]},
        }

        pcc = zpa.private_cloud_controller
        listed, _ = every_page(pcc.list_cloud_controllers(), "private cloud controllers")
        found, _ = checked(pcc.list_cloud_controllers(query_params={"search": plan["pcc"]["name"]}), "controller search")
        got, _ = checked(pcc.get_cloud_controller(plan["pcc"]["id"]), "controller by id")
        out["pcc"] = {
            "list": ids(listed),
            "search": ids(found),
            "get": {
                "id": str(got.id),
                "status": got.control_channel_status,
                "current": got.current_version,
                "expected": got.expected_version,
                "group": got.private_cloud_controller_group_name,
            },
        }

        groups = zpa.private_cloud_group
        listed, _ = every_page(groups.list_cloud_groups(), "controller groups")
        got, _ = checked(groups.get_cloud_group(plan["pcc_group"]), "controller group by id")
        out["pcc_groups"] = {"list": ids(listed), "get": {"id": str(got.id), "name": got.name}}

    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

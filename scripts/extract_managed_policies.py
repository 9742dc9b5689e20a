#!/usr/bin/env python3
"""Regenerates crates/service/data/aws-managed-policies.json from moto's bundled catalogue."""
import json
import os

from moto.iam.aws_managed_policies import aws_managed_policies_data

d = json.loads(aws_managed_policies_data)
out = {}
for name in sorted(d):
    v = d[name]
    out[name] = {
        "path": v["Path"],
        "default_version_id": v["DefaultVersionId"],
        "create_date": v["CreateDate"],
        "update_date": v["UpdateDate"],
        "document": json.dumps(v["Document"], separators=(",", ":")),
    }
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "crates", "service", "data", "aws-managed-policies.json"), "w") as f:
    json.dump(out, f, indent=0, sort_keys=True)

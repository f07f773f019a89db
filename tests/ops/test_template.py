"""deploy/template.yaml: cfn-lint passes, and it declares the table the app's schema creates."""
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode import decode

from messaging.store import schema

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def cfn_lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CFN_LINT), str(path)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def template():
    parsed, errors = decode(str(TEMPLATE))
    assert errors == []
    return parsed


def test_cfn_lint_passes():
    result = cfn_lint(TEMPLATE)

    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_catches_a_broken_template(tmp_path):
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text().replace("StreamViewType: NEW_IMAGE", "StreamViewType: EVERYTHING"))

    result = cfn_lint(broken)

    assert result.returncode != 0
    assert "EVERYTHING" in result.stdout


def test_the_table_matches_the_schema_the_app_creates(template):
    table = template["Resources"]["MessagesTable"]["Properties"]

    assert table["KeySchema"] == schema.KEY_SCHEMA
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(schema.ATTRIBUTE_DEFINITIONS, key=str)
    assert table["GlobalSecondaryIndexes"] == schema.GLOBAL_SECONDARY_INDEXES
    assert table["StreamSpecification"] == {"StreamViewType": schema.STREAM_SPECIFICATION["StreamViewType"]}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": schema.TTL_ATTRIBUTE, "Enabled": True}


def test_the_stream_lambda_reports_partial_failures_to_a_queue(template):
    function = template["Resources"]["StreamFunction"]["Properties"]
    source = function["Events"]["MessageInserts"]["Properties"]

    assert function["Handler"] == "messaging.stream.lambda_handler"
    assert source["Stream"] == {"Fn::GetAtt": ["MessagesTable", "StreamArn"]}
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["StreamFailureQueue", "Arn"]}


def test_the_role_grants_only_what_the_handler_uses(template):
    statements = template["Resources"]["StreamFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    granted = {
        action: statement["Resource"]
        for statement in statements
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }

    assert granted["dynamodb:Query"] == {"Fn::Sub": "${MessagesTable.Arn}/index/" + schema.GROUP_INDEX}
    for action in ("GetItem", "PutItem", "DeleteItem", "UpdateItem", "ConditionCheckItem"):
        assert granted[f"dynamodb:{action}"] == {"Fn::GetAtt": ["MessagesTable", "Arn"]}
    assert not any(action.endswith("*") for action in granted)
    assert {"dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:BatchWriteItem"}.isdisjoint(granted)

"""First-run demo data for the embedded default: the table, the seed users, a conversation."""
from messaging import ddb
from messaging.store import schema
from users.seed import seed_users


def ensure_demo_data() -> list[str]:
    """Create whatever is missing and say what was done; a second run changes nothing."""
    report = []
    if schema.create_table(ddb.get_client(), ddb.table_name()):
        report.append(f"created table {ddb.table_name()}")
    created = seed_users()
    if created:
        report.append(f"seeded {len(created)} demo users")
    return report

"""Reading the table's DynamoDB stream from a saved position, the way Lambda's event source reads it.

Used by `manage.py ddb stream-worker` to run stream mode locally; in AWS the Lambda event source
mapping does this instead. Records are handed over in the Lambda event shape, shard by shard,
and a shard's position only moves past records the handler accepted.
"""
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import ClientError

from messaging.store.errors import StoreNotFound

logger = logging.getLogger(__name__)

MAX_PAGES_PER_SHARD = 50  # per poll: bounds one poll's work on a busy shard


@dataclass
class StreamPosition:
    """Per shard: the sequence number of the last record handled, and whether the shard is done."""

    stream_arn: str | None = None
    last_sequence: dict[str, str] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> "StreamPosition":
        if not path.exists():
            return cls()
        saved = json.loads(path.read_text())
        return cls(saved.get("stream_arn"), dict(saved.get("last_sequence", {})), set(saved.get("finished", [])))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({
            "stream_arn": self.stream_arn, "last_sequence": self.last_sequence, "finished": sorted(self.finished),
        }, indent=2)
        # Replace in one step so an interrupted worker never leaves half a file.
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text)
        os.replace(temporary, path)

    def follow(self, stream_arn: str) -> None:
        """A different stream (the table was re-created) starts from its beginning."""
        if self.stream_arn != stream_arn:
            if self.stream_arn is not None:
                logger.warning("stream changed from %s to %s; reading the new one from the start",
                               self.stream_arn, stream_arn)
            self.stream_arn, self.last_sequence, self.finished = stream_arn, {}, set()


@dataclass
class PollReport:
    shards: int = 0
    records: int = 0
    failed: int = 0


class StreamReader:
    def __init__(self, dynamodb, streams, table_name: str):
        self.dynamodb = dynamodb
        self.streams = streams
        self.table_name = table_name

    def stream_arn(self) -> str:
        try:
            table = self.dynamodb.describe_table(TableName=self.table_name)["Table"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                raise StoreNotFound(f"table {self.table_name} not found") from error
            raise
        if "LatestStreamArn" not in table:
            raise StoreNotFound(f"table {self.table_name} has no stream")
        return table["LatestStreamArn"]

    def shards(self, stream_arn: str) -> list[dict]:
        """All shards of the stream, parents before children as DescribeStream lists them."""
        shards: list[dict] = []
        request = {"StreamArn": stream_arn}
        while True:
            description = self.streams.describe_stream(**request)["StreamDescription"]
            shards.extend(description.get("Shards", []))
            if "LastEvaluatedShardId" not in description:
                return shards
            request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def poll(self, position: StreamPosition, handle: Callable[[list[dict]], set[str]]) -> PollReport:
        """Hand every record past `position` to `handle`, which returns the sequence numbers that failed.

        A shard stops at its first failed record; the next poll starts there again (as Lambda
        retries from the failed record of a partial batch failure).
        """
        stream_arn = self.stream_arn()
        position.follow(stream_arn)
        report = PollReport()
        shards = self.shards(stream_arn)
        listed = {shard["ShardId"] for shard in shards}
        # Shards past the stream's 24-hour retention are no longer listed; forget them.
        position.finished &= listed
        position.last_sequence = {s: n for s, n in position.last_sequence.items() if s in listed}
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id in position.finished:
                continue
            report.shards += 1
            self._poll_shard(stream_arn, shard_id, position, handle, report)
        return report

    def _poll_shard(self, stream_arn, shard_id, position, handle, report) -> None:
        iterator = self._iterator(stream_arn, shard_id, position.last_sequence.get(shard_id))
        for _ in range(MAX_PAGES_PER_SHARD):
            if iterator is None:
                position.finished.add(shard_id)  # closed and fully read
                return
            page = self.streams.get_records(ShardIterator=iterator)
            records = [lambda_record(record, stream_arn) for record in page.get("Records", [])]
            iterator = page.get("NextShardIterator")
            if not records:
                if iterator is None:
                    position.finished.add(shard_id)
                return
            failed = handle(records)
            for record in records:
                sequence = record["dynamodb"]["SequenceNumber"]
                if sequence in failed:
                    report.failed += 1
                    return
                report.records += 1
                position.last_sequence[shard_id] = sequence

    def _iterator(self, stream_arn: str, shard_id: str, after: str | None) -> str | None:
        request = {"StreamArn": stream_arn, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON"}
        if after is not None:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        try:
            return self.streams.get_shard_iterator(**request).get("ShardIterator")
        except ClientError as error:
            if error.response["Error"]["Code"] != "TrimmedDataAccessException" or after is None:
                raise
            # The saved record aged out of the stream: start at the oldest record still there.
            logger.warning("records after %s in %s were trimmed; reading from the oldest left", after, shard_id)
            return self._iterator(stream_arn, shard_id, None)


def lambda_record(record: dict, stream_arn: str) -> dict:
    """A GetRecords record in the shape Lambda delivers it: JSON values and the source ARN."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if created is not None and not isinstance(created, int | float):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": dynamodb, "eventSourceARN": stream_arn}

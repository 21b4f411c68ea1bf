"""Large batches are linted by worker processes with the same result as one process."""

import json

from click.testing import CliRunner
from helpers import FIXTURES

from mergelint.batch import MIN_PARALLEL_FILES
from mergelint.cli import cli


def test_parallel_batch_matches_serial_run(tmp_path):
    configs = sorted((FIXTURES / "configs").glob("*.yml")) + sorted((FIXTURES / "hostile").glob("*"))
    for index in range(MIN_PARALLEL_FILES + 6):
        source = configs[index % len(configs)]
        (tmp_path / f"{index:03d}-{source.stem}.yml").write_bytes(source.read_bytes())

    parallel = CliRunner().invoke(cli, [str(tmp_path), "--format", "json", "--jobs", "2"])
    serial = CliRunner().invoke(cli, [str(tmp_path), "--format", "json", "--jobs", "1"])

    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert len(json.loads(parallel.stdout)["files"]) == MIN_PARALLEL_FILES + 6

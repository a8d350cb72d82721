"""Files dmft writes: atomically (a temporary file beside the target, then
`os.replace`), so that an interrupted run never leaves a half-written result."""

from ._atomic import atomic_path as atomic_path, write_json as write_json

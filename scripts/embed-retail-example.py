#!/usr/bin/env python3
"""Regenerates Sources/Pipeline/Retail/RetailLakeExample.swift from examples/retail/lake.yaml
(the demo's built-in copy; PipelineConfigTests fails when the two differ)."""
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
yaml = open(os.path.join(root, "examples/retail/lake.yaml")).read()
assert '"""##' not in yaml
swift = '''/// The retail lake of `examples/retail/lake.yaml`, built into the binary so `tarn demo` needs no
/// files; `PipelineTests` checks the two are identical (regenerate with
/// `scripts/embed-retail-example.py`).
public enum RetailLakeExample {
    /// The file's name in the repository.
    public static let path = "examples/retail/lake.yaml"

    /// Its text.
    public static let yaml = ##"""
''' + yaml + '''
"""##
}
'''
open(os.path.join(root, "Sources/Pipeline/Retail/RetailLakeExample.swift"), "w").write(swift)

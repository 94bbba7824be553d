import Foundation
import Query
import TarnCore
import TarnTesting
import Testing

@testable import Lake

/// The per-query memory limit: `tarn.yaml`'s `query.memoryLimit`, a caller's own limit
/// (`tarn query --memory-limit`), else 80 % of the memory available.
@Suite struct QueryMemoryLimitTests {
    @Test func parsedFromTheConfigurationFile() throws {
        #expect(try LakeConfiguration.parse("query: { memoryLimit: 8GB }").queryMemoryLimit == 8_000_000_000)
        #expect(try LakeConfiguration.parse("query:\n  memoryLimit: 512MiB\n").queryMemoryLimit == 512 << 20)
        #expect(try LakeConfiguration.parse("query: {}").queryMemoryLimit == nil)
        #expect(try LakeConfiguration.parse("").queryMemoryLimit == nil)
        #expect(throws: TarnError.self) { try LakeConfiguration.parse("query: { memoryLimit: lots }") }
        #expect(throws: TarnError.self) { try LakeConfiguration.parse("query: { memoryLimit: 1000 }") }
        #expect(try LakeConfiguration.byteSize("6 GiB", source: "--memory-limit") == 6 << 30)
        #expect(throws: TarnError.self) { try LakeConfiguration.byteSize("-1GB", source: "--memory-limit") }
    }

    @Test func theFileSetsTheEngineLimit() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-qmem")
        try FileSystem.writeAtomically(Array("query:\n  memoryLimit: 3GiB\n".utf8), to: directory.path + "/tarn.yaml")
        let lake = try Lake(path: directory.path, environment: [:])
        #expect(lake.query.options.engine.memoryLimit == 3 << 30)
    }

    @Test func theCallersLimitWinsOverTheFile() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-qmem")
        try FileSystem.writeAtomically(Array("query:\n  memoryLimit: 3GiB\n".utf8), to: directory.path + "/tarn.yaml")
        let lake = try Lake(path: directory.path, environment: [:], queryOptions: QueryServiceOptions(allowLocalFiles: true), queryMemoryLimit: 5 << 30)
        #expect(lake.query.options.engine.memoryLimit == 5 << 30)
    }

    /// `tarn query --memory-limit X` with X equal to the default is still the caller's limit
    /// (it was taken for "unset" and replaced by the file's).
    @Test func theCallersLimitWinsEvenWhenItIsTheDefault() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-qmem")
        try FileSystem.writeAtomically(Array("query:\n  memoryLimit: 3GiB\n".utf8), to: directory.path + "/tarn.yaml")
        let limit = QueryServiceOptions.defaultMemoryLimit
        #expect(limit != 3 << 30)
        let lake = try Lake(path: directory.path, environment: [:], queryMemoryLimit: limit)
        #expect(lake.query.options.engine.memoryLimit == limit)
    }

    /// Without a limit of the caller's or the file's, the options' engine limit applies.
    @Test func withoutACallersLimitOrAFileTheOptionsApply() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-qmem")
        var options = QueryServiceOptions()
        options.engine.memoryLimit = 7 << 20
        let lake = try Lake(path: directory.path, environment: [:], queryOptions: options)
        #expect(lake.query.options.engine.memoryLimit == 7 << 20)
    }

    @Test func withoutAFileTheDefaultIsAShareOfMemory() throws {
        let directory = try TemporaryDirectory(prefix: "tarn-lake-qmem")
        let lake = try Lake(path: directory.path, environment: [:])
        #expect(lake.query.options.engine.memoryLimit == QueryServiceOptions.defaultMemoryLimit)
        #expect(QueryServiceOptions.defaultMemoryLimit <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
        #expect(QueryServiceOptions.defaultMemoryLimit >= 64 << 20)
    }
}

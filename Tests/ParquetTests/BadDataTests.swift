import Columnar
import Foundation
import Parquet
import TarnCore
import TarnTesting
import Testing

/// Files that are deliberately broken or exercise reader leniency. Every file in `bad_data/`
/// must have an entry here (the registry test fails otherwise), so a new fixture cannot slip in
/// untested.
@Suite struct BadDataTests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// Reading fails with this error code and a message containing the text.
        case rejects(TarnError.Code, String)
        /// Reading succeeds with this many rows.
        case reads(rows: Int)

        var description: String {
            switch self {
            case .rejects(let code, let text): "rejects \(code): \(text)"
            case .reads(let rows): "reads \(rows) rows"
            }
        }
    }

    static let badData: [String: Outcome] = [
        "PARQUET-1481.parquet": .rejects(.corrupt, "invalid physical type"),
        "ARROW-RS-GH-6229-DICTHEADER.parquet": .rejects(.corrupt, "outside the data section"),
        "ARROW-RS-GH-6229-LEVELS.parquet": .rejects(.corrupt, "remain"),
        "ARROW-GH-41321.parquet": .rejects(.corrupt, "RLE"),
        "ARROW-GH-41317.parquet": .rejects(.corrupt, "timestamp_us_no_tz"),
        // pyarrow reads this one: bit width 0 dictionary indices all point at entry 0.
        "ARROW-GH-43605.parquet": .reads(rows: 21186),
        "ARROW-GH-45185.parquet": .rejects(.corrupt, "first repetition level is 1"),
        "ARROW-GH-47662.parquet": .rejects(.corrupt, "PLAIN data holds"),
    ]

    static var badFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("ParquetTests", "bad_data"))) ?? [])
            .filter { $0.hasSuffix(".parquet") }.sorted()
    }

    @Test func everyBadFileHasATest() {
        #expect(!Self.badFiles.isEmpty)
        for file in Self.badFiles {
            #expect(Self.badData[file] != nil, "bad_data/\(file) has no expected outcome in BadDataTests.badData")
        }
    }

    static func readAll(_ path: String, options: ReadOptions = ReadOptions()) throws -> RecordBatch {
        try ParquetFileReader(path: path, options: options).readAll()
    }

    @Test(arguments: badData.keys.sorted())
    func badFileOutcome(_ file: String) throws {
        let path = Fixtures.path("ParquetTests", "bad_data/\(file)")
        switch Self.badData[file]! {
        case .reads(let rows):
            #expect(try Self.readAll(path).rowCount == rows)
        case .rejects(let code, let text):
            do {
                let batch = try Self.readAll(path)
                Issue.record("\(file) read \(batch.rowCount) rows; expected \(code)")
            } catch let error as TarnError {
                #expect(error.code == code, "\(file): \(error)")
                #expect(error.message.contains(text), "\(file): \(error)")
                // Errors name the file so a failing query points at the object.
                #expect(error.message.contains(file), "\(file): \(error)")
            }
        }
    }

    @Test func dictionaryWithBitWidthZeroReadsAsFirstEntry() throws {
        let batch = try Self.readAll(Fixtures.path("ParquetTests", "bad_data/ARROW-GH-43605.parquet"))
        #expect(batch.rowCount == 21186)
        let column = batch.columns[0]
        #expect(column.count == 21186)
        #expect(Set((0..<column.count).map { column.value(at: $0) }).count <= 2)
    }

    @Test func corruptChecksumsAreCaughtWhenVerifying() throws {
        let verify = ReadOptions(verifyChecksums: true)
        for good in ["datapage_v1-uncompressed-checksum", "datapage_v1-snappy-compressed-checksum",
                     "plain-dict-uncompressed-checksum", "rle-dict-snappy-checksum"] {
            #expect(try Self.readAll(Fixtures.path("ParquetTests", "data/\(good).parquet"), options: verify).rowCount > 0)
        }
        for bad in ["datapage_v1-corrupt-checksum", "rle-dict-uncompressed-corrupt-checksum"] {
            #expect(throws: TarnError.self, "\(bad)") {
                _ = try Self.readAll(Fixtures.path("ParquetTests", "data/\(bad).parquet"), options: verify)
            }
            // Without verification the values come back, as pyarrow returns them.
            #expect(try Self.readAll(Fixtures.path("ParquetTests", "data/\(bad).parquet")).rowCount > 0)
        }
    }

    @Test func optionalMapKeysFromAthenaAreAccepted() throws {
        // Presto/Trino/Athena write MAP keys as OPTIONAL; pyarrow refuses, a lenient reader should not.
        let reader = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/incorrect_map_schema.parquet"))
        let batch = try reader.readAll()
        #expect(batch.rowCount == Int(reader.metadata.rowCount))
        guard let index = batch.schema.fields.firstIndex(where: { if case .map = $0.type { true } else { false } }) else {
            Issue.record("no map column in \(batch.schema)")
            return
        }
        #expect(batch.rowCount > 0)
        #expect(batch.columns[index].count == batch.rowCount)
    }

    @Test func brotliIsReportedAsUnsupported() throws {
        let reader = try ParquetFileReader(path: Fixtures.path("ParquetTests", "data/large_string_map.brotli.parquet"))
        #expect(throws: TarnError.self) { _ = try reader.readAll() }
        do {
            _ = try reader.readAll()
        } catch let error as TarnError {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("brotli"))
        }
    }

    @Test func notParquetAndTruncatedFilesAreRejected() throws {
        let directory = try TemporaryDirectory(prefix: "parquet-bad")
        defer { directory.remove() }
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ParquetTests", "data/alltypes_plain.parquet"))))
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("tiny", Array("PAR1".utf8)),
            ("text", Array("hello, this is certainly not a parquet file at all".utf8)),
            ("truncated", Array(original.prefix(original.count - 1))),
            ("no-footer", Array(original.prefix(original.count / 2)) + Array("PAR1".utf8)),
        ]
        for (label, bytes) in cases {
            let path = "\(directory.path)/\(label).parquet"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Self.readAll(path)
                Issue.record("\(label) was accepted")
            } catch let error as TarnError {
                #expect(error.code == .corrupt, "\(label): \(error)")
                #expect(error.message.contains(path), "\(label): \(error)")
            }
        }
    }
}

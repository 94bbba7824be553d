import Foundation
import Testing
import TarnCore
import TarnTesting
@testable import Codecs

@Suite struct GzipTests {
    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("TextFormatsTests", "gzip/\(name)"))))
    }

    @Test func multiMemberFileFromGzipCLI() throws {
        let output = try GzipDecompressor.decompress(try fixture("multi.gz"))
        #expect(output == (try fixture("multi.txt")))
    }

    @Test(arguments: [1, 7, 64, 4096])
    func anyChunkAndOutputSize(chunk: Int) throws {
        let compressed = try fixture("large.txt.gz")
        let expected = try fixture("large.txt")
        let gunzip = try GzipDecompressor()
        var output: [UInt8] = []
        var outBuffer = [UInt8](repeating: 0, count: chunk)
        var offset = 0
        while offset < compressed.count {
            let piece = Array(compressed[offset..<min(offset + chunk, compressed.count)])
            var used = 0
            var calls = 0
            while true {
                let (consumed, produced) = try piece.withUnsafeBytes { input in
                    try outBuffer.withUnsafeMutableBytes { try gunzip.decompress(UnsafeRawBufferPointer(rebasing: input[used...]), into: $0) }
                }
                used += consumed
                output += outBuffer[0..<produced]
                if used == piece.count && produced < outBuffer.count { break }
                calls += 1
                try #require(calls < 1_000_000)
            }
            offset += chunk
        }
        // Drain what zlib may still hold.
        while true {
            let produced = try outBuffer.withUnsafeMutableBytes { try gunzip.decompress(UnsafeRawBufferPointer(start: nil, count: 0), into: $0).produced }
            output += outBuffer[0..<produced]
            if produced == 0 { break }
        }
        try gunzip.finish()
        #expect(output == expected)
        #expect(gunzip.membersCompleted == 1)
    }

    @Test func truncatedInputIsReported() throws {
        let gunzip = try GzipDecompressor()
        var output: [UInt8] = []
        try gunzip.decompress(try fixture("truncated.gz"), appendingTo: &output)
        #expect {
            try gunzip.finish()
        } throws: { error in
            (error as? TarnError)?.code == .corrupt && "\(error)".contains("truncated")
        }
    }

    @Test func corruptAndEmptyInputs() throws {
        #expect(throws: TarnError.self) { try GzipDecompressor.decompress(Array("not gzip at all".utf8)) }
        #expect(throws: TarnError.self) { try GzipDecompressor.decompress([]) }
        var damaged = try fixture("large.txt.gz")
        damaged[damaged.count / 2] ^= 0xFF
        #expect(throws: TarnError.self) { try GzipDecompressor.decompress(damaged) }
        // Trailing garbage after a valid member is not a second member.
        #expect(throws: TarnError.self) { try GzipDecompressor.decompress(try fixture("multi.gz") + [1, 2, 3]) }
    }

    @Test func decompressionLimit() throws {
        let zeros = try GzipCompressor.compress([UInt8](repeating: 0, count: 1 << 20))
        #expect(throws: TarnError.self) { try GzipDecompressor.decompress(zeros, limit: 1000) }
    }

    @Test(arguments: [0, 1, 6, 9])
    func roundTripAtEveryLevel(level: Int) throws {
        let input = try fixture("large.txt")
        let gzip = try GzipCompressor(level: level)
        var compressed: [UInt8] = []
        // Push in uneven pieces to exercise streaming.
        var offset = 0
        var step = 1
        while offset < input.count {
            let end = min(offset + step, input.count)
            try gzip.compress(Array(input[offset..<end]), appendingTo: &compressed)
            offset = end
            step = step * 3 + 1
        }
        try gzip.finish(appendingTo: &compressed)
        #expect(try GzipDecompressor.decompress(compressed) == input)
        #expect(throws: TarnError.self) { try gzip.compress([1], appendingTo: &compressed) }
    }

    @Test func gzipCLIReadsOurOutput() throws {
        let input = try fixture("large.txt")
        let compressed = try GzipCompressor.compress(input, level: 9) + GzipCompressor.compress(Array("tail\n".utf8), level: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tarn-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.gz")
        try Data(compressed).write(to: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Array(data) == input + Array("tail\n".utf8))
    }
}

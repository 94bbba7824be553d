import Columnar
import Foundation
import QueryPlanner
import TarnCore

/// String functions. Positions and lengths count Unicode code points (1-based), as in Trino.
enum StringKernels {
    /// Applies `body` to each present row's bytes, collecting the output bytes.
    static func map(_ column: Column, validity: [Bool]?, _ body: (UnsafeRawBufferPointer, inout [UInt8]) -> Void) -> Column {
        let view = StringView(column)
        let n = column.count
        var builder = StringColumnBuilder(capacity: n, bytes: view.data.count)
        var scratch: [UInt8] = []
        view.data.withUnsafeBytes { d in
            for i in 0..<n {
                if let validity, !validity[i] {
                    builder.appendNull()
                    continue
                }
                scratch.removeAll(keepingCapacity: true)
                body(UnsafeRawBufferPointer(rebasing: d[view.range(i)]), &scratch)
                builder.append(bytes: scratch)
            }
        }
        return builder.build()
    }

    static func scalars(_ bytes: ArraySlice<UInt8>) -> [Unicode.Scalar] {
        Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
    }

    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 < 0x80 } }

    /// `substr(s, start [, length])`: negative start counts from the end; start 0 gives ''.
    static func substr(_ args: [Column], validity: [Bool]?, count n: Int) throws -> Column {
        let view = StringView(args[0])
        let starts = args[1].int64Values
        let lengths = args.count > 2 ? args[2].int64Values : nil
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] { builder.appendNull(); continue }
            let bytes = view.data[view.range(i)]
            let ascii = isASCII(bytes)
            let total = ascii ? bytes.count : scalars(bytes).count
            var start = Int(starts[i])
            if start == 0 || Swift.abs(start) > total { builder.append(bytes: []); continue }
            if start < 0 { start = total + start + 1 }
            var length = total - start + 1
            if let lengths {
                if lengths[i] < 0 { builder.append(bytes: []); continue }
                length = min(length, Int(clamping: lengths[i]))
            }
            if ascii {
                let from = bytes.startIndex + start - 1
                builder.append(bytes: bytes[from..<(from + length)])
            } else {
                let chars = scalars(bytes)
                builder.append(string: String(String.UnicodeScalarView(chars[(start - 1)..<(start - 1 + length)])))
            }
        }
        return builder.build()
    }

    static func replace(_ args: [Column], validity: [Bool]?, count n: Int) -> Column {
        let s = StringView(args[0]), from = StringView(args[1]), to = StringView(args[2])
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] { builder.appendNull(); continue }
            let text = s.string(i), search = from.string(i), replacement = to.string(i)
            if search.isEmpty {
                // Trino inserts the replacement before every character and at the end.
                var out = replacement
                for scalar in text.unicodeScalars { out.unicodeScalars.append(scalar); out += replacement }
                builder.append(string: out)
            } else {
                builder.append(string: text.replacingOccurrences(of: search, with: replacement))
            }
        }
        return builder.build()
    }

    static func splitPart(_ args: [Column], validity: [Bool]?, count n: Int) throws -> Column {
        let s = StringView(args[0]), delimiter = StringView(args[1])
        let index = args[2].int64Values
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] { builder.appendNull(); continue }
            guard index[i] > 0 else { throw TarnError(.invalidValue, "Index must be greater than zero") }
            let text = s.string(i), delim = delimiter.string(i)
            let parts: [Substring]
            if delim.isEmpty {
                parts = text.unicodeScalars.map { Substring(String($0)) }
            } else {
                parts = text.split(separator: delim, omittingEmptySubsequences: false)
            }
            let k = Int(index[i])
            if k <= parts.count { builder.append(string: String(parts[k - 1])) } else { builder.appendNull() }
        }
        return builder.build()
    }

    static func strpos(_ args: [Column], validity: [Bool]?, count n: Int) -> Column {
        let s = StringView(args[0]), sub = StringView(args[1])
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n {
            if let validity, !validity[i] { continue }
            let hay = Array(s.data[s.range(i)]), needle = Array(sub.data[sub.range(i)])
            if needle.isEmpty { out[i] = 1; continue }
            guard hay.count >= needle.count else { continue }
            var found = -1
            for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
                if hay[start..<(start + needle.count)].elementsEqual(needle) { found = start; break }
            }
            if found >= 0 {
                // Convert the byte offset to a 1-based code point position.
                out[i] = Int64(hay[0..<found].filter { $0 & 0xC0 != 0x80 }.count + 1)
            }
        }
        return Column(type: .int64, storage: .int64(out), validity: validity)
    }

    static func pad(_ args: [Column], left: Bool, validity: [Bool]?, count n: Int) throws -> Column {
        let s = StringView(args[0]), padding = StringView(args[2])
        let sizes = args[1].int64Values
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] { builder.appendNull(); continue }
            let text = Array(s.string(i).unicodeScalars)
            let fill = Array(padding.string(i).unicodeScalars)
            let size = Int(sizes[i])
            guard size >= 0 else { throw TarnError(.invalidValue, "Target length must be in the range [0..2147483647]") }
            if size <= text.count {
                builder.append(string: String(String.UnicodeScalarView(text[0..<size])))
                continue
            }
            guard !fill.isEmpty else { throw TarnError(.invalidValue, "Padding string must not be empty") }
            var pad: [Unicode.Scalar] = []
            while pad.count < size - text.count { pad.append(fill[pad.count % fill.count]) }
            let result = left ? pad + text : text + pad
            builder.append(string: String(String.UnicodeScalarView(result)))
        }
        return builder.build()
    }
}

/// regexp_like, regexp_extract, regexp_replace over NSRegularExpression (patterns cached).
enum RegexKernels {
    static func evaluate(_ function: ScalarFunction, _ args: [Column], validity: [Bool]?, count n: Int, context: EvaluationContext) throws -> Column {
        let s = StringView(args[0]), p = StringView(args[1])
        let groups = function == .regexpExtract && args.count > 2 ? args[2].int64Values : nil
        let replacements = function == .regexpReplace ? StringView(args[2]) : nil
        var bools = [Bool](repeating: false, count: n)
        var builder = StringColumnBuilder(capacity: n)
        for i in 0..<n {
            if let validity, !validity[i] {
                builder.appendNull()
                continue
            }
            let regex = try context.regex(p.string(i))
            let text = s.string(i)
            let ns = text as NSString
            let whole = NSRange(location: 0, length: ns.length)
            switch function {
            case .regexpLike:
                bools[i] = regex.firstMatch(in: text, range: whole) != nil
            case .regexpExtract:
                let group = Int(groups?[i] ?? 0)
                guard group >= 0, group <= regex.numberOfCaptureGroups else {
                    throw TarnError(.invalidValue, "Pattern has \(regex.numberOfCaptureGroups) groups. Cannot access group \(group)")
                }
                if let match = regex.firstMatch(in: text, range: whole), match.range(at: group).location != NSNotFound {
                    builder.append(string: ns.substring(with: match.range(at: group)))
                } else {
                    builder.appendNull()
                }
            default:
                let template = replacements!.string(i)
                builder.append(string: regex.stringByReplacingMatches(in: text, range: whole, withTemplate: template))
            }
        }
        if function == .regexpLike { return Column(type: .boolean, storage: .bool(bools), validity: validity) }
        return builder.build()
    }
}

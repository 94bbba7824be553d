import Foundation
import TarnCore

extension LakeConfiguration {
    /// A size in the configuration file: a number of bytes, or a number with a unit — `KB`,
    /// `MB`, `GB`, `TB` (powers of 1000, as Athena counts bytes scanned) or `KiB`, `MiB`, `GiB`,
    /// `TiB` (powers of 1024); `B` and a space before the unit are allowed, case is not
    /// significant (`10GB`, `10 gb`, `512MiB`, `1.5TB`, `10000000`).
    struct ByteSize: Decodable {
        var text: String

        init(text: String) { self.text = text }

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                text = String(number)
            } else if let number = try? container.decode(Double.self) {
                text = String(number)
            } else {
                text = try container.decode(String.self)
            }
        }

        /// Units by their lower-cased name, longest first so `kib` is tried before `b`.
        static let units: [(name: String, factor: Double)] = [
            ("kib", 1024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("tib", 1_099_511_627_776),
            ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("b", 1),
        ]

        /// The size in bytes.
        /// - Throws: `InvalidArgument` naming `source` when the text is not a size, is negative
        ///   or does not fit 64 bits.
        func bytes(source: String) throws -> Int64 {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            var number = Substring(trimmed)
            var factor = 1.0
            for unit in Self.units where trimmed.hasSuffix(unit.name) {
                number = trimmed.dropLast(unit.name.count)
                factor = unit.factor
                break
            }
            let digits = number.trimmingCharacters(in: .whitespaces)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(digits),
                value * factor < 9.2e18
            else {
                throw TarnError(.invalidArgument, "\(source): '\(text)' is not a size (bytes, or a number with KB, MB, GB, TB, KiB, MiB, GiB or TiB)")
            }
            return Int64((value * factor).rounded())
        }
    }
}

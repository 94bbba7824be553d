import Foundation
import TarnCore

/// One day of web events as JSON Lines, split into hourly files (as Firehose delivers them),
/// each event a step of a session walking the funnel page_view → search → add_to_cart →
/// checkout → purchase.
struct ClickstreamDay {
    /// 24 files' bytes, hour 0 to 23.
    private(set) var hourlyFiles: [[UInt8]]
    /// Events written.
    private(set) var events = 0

    static let depthWeights = cumulative([0.50, 0.25, 0.13, 0.05, 0.07])
    static let otherPages = ["/", "/deals", "/account", "/stores"] + RetailVocabulary.categories.map { "/c/" + $0 }

    init(world: RetailWorld, options: RetailOptions, dayNumber: Int) {
        var random = SeededRandom(seed: options.seed, stream: 2_000_000 + UInt64(dayNumber))
        let target = max(50, Int(10_000_000 * options.scale / 91))
        var byHour: [[(Int64, String)]] = Array(repeating: [], count: 24)
        let deviceCumulative = cumulative(RetailVocabulary.deviceWeights)
        let referrerCumulative = cumulative(RetailVocabulary.referrerWeights)
        let regionCumulative = cumulative(RetailVocabulary.regionWeights)
        let dayStartMillis = Int64(dayNumber) * 86_400_000
        var produced = 0
        while produced < target {
            let depth = random.pick(cumulative: Self.depthWeights)
            var counts = [min(random.geometric(0.25), 40), depth >= 1 ? random.geometric(0.6) : 0, depth >= 2 ? min(random.geometric(0.55), 8) : 0, depth >= 3 ? 1 : 0, depth >= 4 ? 1 : 0]
            counts = counts.map { max(0, $0) }
            let session = Hex.sixteen(random.next())
            let user = random.unit() < 0.6 ? "\"u" + pad(random.int(1...world.users), 7) + "\"" : "null"
            let device = RetailVocabulary.devices[random.pick(cumulative: deviceCumulative)]
            let referrerIndex = random.pick(cumulative: referrerCumulative)
            let referrer = referrerIndex < RetailVocabulary.referrers.count ? "\"" + RetailVocabulary.referrers[referrerIndex] + "\"" : "null"
            let region = RetailVocabulary.regions[random.pick(cumulative: regionCumulative)]
            var millis = dayStartMillis + Int64(86_399_000 * min(0.999, (random.unit() + random.unit() + random.unit()) / 3 + 0.1))
            for (type, count) in counts.enumerated() {
                for _ in 0..<count {
                    millis += Int64(-35_000 * log(max(random.unit(), 1e-12))) + 500
                    if millis >= dayStartMillis + 86_400_000 { break }
                    let product = world.products[random.pick(cumulative: world.productCumulative)]
                    let hasProduct = type == 2 || type == 4 || (type == 0 && random.unit() < 0.55)
                    let url: String
                    switch type {
                    case 0: url = hasProduct ? "/p/" + product.id : Self.otherPages[random.int(0...(Self.otherPages.count - 1))]
                    case 1: url = "/search?q=" + RetailVocabulary.searchTerms[random.int(0...19)]
                    case 2: url = "/cart"
                    case 3: url = "/checkout"
                    default: url = "/checkout/confirm"
                    }
                    let eventID = Hex.uuid(random.next(), random.next())
                    let line =
                        "{\"event_id\":\"\(eventID)\",\"session_id\":\"\(session)\",\"user_id\":\(user),\"event_type\":\"\(RetailVocabulary.eventTypes[type])\",\"url\":\"\(url)\",\"product_id\":\(hasProduct ? "\"" + product.id + "\"" : "null"),\"ts\":\"\(Self.isoMillis(millis))\",\"device\":\"\(device)\",\"referrer\":\(referrer),\"region\":\"\(region)\"}"
                    byHour[Int((millis - dayStartMillis) / 3_600_000)].append((millis, line))
                    produced += 1
                }
            }
        }
        events = produced
        hourlyFiles = byHour.map { events in
            let sorted = events.sorted { $0.0 < $1.0 }
            return Array(sorted.map { $0.1 + "\n" }.joined().utf8)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func isoMillis(_ millis: Int64) -> String {
        let day = Int(millis / 86_400_000), ms = Int(millis % 86_400_000)
        return DayCalendar.timestamp(day: day, second: ms / 1000) + "." + pad(ms % 1000, 3) + "Z"
    }
}

extension Hex {
    /// 16 lowercase hex digits of a 64-bit value.
    static func sixteen(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// A random (version 4) UUID from 128 random bits.
    static func uuid(_ high: UInt64, _ low: UInt64) -> String {
        let h = sixteen(high), l = sixteen(low)
        let a = h.prefix(8), b = h.dropFirst(8).prefix(4), c = h.dropFirst(13).prefix(3), d = l.prefix(3), e = l.dropFirst(4).prefix(12)
        return "\(a)-\(b)-4\(c)-a\(d)-\(e)"
    }
}

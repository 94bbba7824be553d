import Foundation

/// One day of nightly POS batches: one CSV per store that sold anything that day.
struct SalesDay {
    struct File {
        var bytes: [UInt8]
        var rows = 0
        var duplicates = 0
        var dirtySource = 0
        var dirtyTotal = 0
        var cleanDistinct = 0
    }

    static let header = "order_id,line_no,store_id,region,product_id,category,quantity,unit_price,discount,total,payment_type,customer_id,sold_at\n"
    static let quantityWeights = cumulative([0.58, 0.22, 0.08, 0.04, 0.03, 0.02, 0.01, 0.01, 0.005, 0.005])
    static let discountValues = [0, 5, 10, 15, 20, 25]
    static let discountWeights = cumulative([0.75, 0.08, 0.08, 0.04, 0.03, 0.02])

    /// Files by store id, in store order.
    private(set) var files: [(String, File)] = []
    /// The next unused order number.
    private(set) var nextOrder: Int

    init(world: RetailWorld, options: RetailOptions, dayIndex: Int, dayNumber: Int, firstOrder: Int) {
        var random = SeededRandom(seed: options.seed, stream: 1_000 + UInt64(dayNumber))
        let weekday = DayCalendar.weekday(dayNumber)
        let dayWeight = (weekday >= 5 ? 1.35 : 1.0) * (weekday == 4 ? 1.15 : 1.0)
        let lines = max(20, Int(10_000_000 * options.scale / 91 * dayWeight))
        // Orders, in time order, so order ids follow time as in gen_retail.py.
        var orders: [(second: Int, store: Int, lines: Int)] = []
        var lineBudget = lines
        while lineBudget > 0 {
            let second = 8 * 3600 + Int(14 * 3600 * (random.unit() + random.unit()) / 2)
            let lineCount = min(random.geometric(0.4), 12, lineBudget)
            orders.append((second, random.pick(cumulative: world.storeCumulative), lineCount))
            lineBudget -= lineCount
        }
        orders.sort { $0.second < $1.second }
        var rowsByStore: [[String]] = Array(repeating: [], count: world.stores.count)
        var order = firstOrder
        let paymentCumulative = cumulative(RetailVocabulary.paymentWeights)
        for (second, storeIndex, lineCount) in orders {
            order += 1
            let store = world.stores[storeIndex]
            let customer = random.unit() < 0.25 ? "" : "C" + pad(random.int(1...world.customers), 7)
            let payment = RetailVocabulary.payments[random.pick(cumulative: paymentCumulative)]
            let soldAt = DayCalendar.timestamp(day: dayNumber, second: second)
            for line in 1...lineCount {
                let product = world.products[random.pick(cumulative: world.productCumulative)]
                let quantity = random.pick(cumulative: Self.quantityWeights) + 1
                let discount = Self.discountValues[random.pick(cumulative: Self.discountWeights)]
                let total = (quantity * product.priceCents * (100 - discount) + 50) / 100
                var fields = [
                    "O" + pad(order, 9), String(line), store.id, RetailVocabulary.regions[store.region], product.id,
                    RetailVocabulary.categories[product.category], String(quantity), cents(product.priceCents), cents(discount), cents(total),
                    payment, customer, soldAt,
                ]
                if random.unit() < options.dirtyRate {
                    // Dirty kinds as gen_retail.py: bad quantity, bad timestamp, an empty required field.
                    switch random.int(1...7) {
                    case 1: fields[6] = RetailVocabulary.badQuantities[random.int(0...4)]
                    case 2: fields[12] = RetailVocabulary.badTimestamps[random.int(0...5)]
                    case let kind:
                        let column = ["order_id": 0, "store_id": 2, "product_id": 4, "quantity": 6, "sold_at": 12][RetailVocabulary.emptyFields[kind - 3]]!
                        fields[column] = ""
                    }
                    fields.append("dirty")
                }
                rowsByStore[storeIndex].append(fields.joined(separator: ","))
            }
        }
        nextOrder = order
        for (index, rows) in rowsByStore.enumerated() where !rows.isEmpty {
            var file = File(bytes: [])
            var output: [String] = []
            output.reserveCapacity(rows.count + rows.count / 50)
            var resend: [(at: Int, row: String)] = []
            for (position, tagged) in rows.enumerated() {
                let dirty = tagged.hasSuffix(",dirty")
                let row = dirty ? String(tagged.dropLast(6)) : tagged
                output.append(row)
                file.dirtySource += dirty ? 1 : 0
                if random.unit() < options.duplicateRate {
                    // A re-sent POS batch: the same line again a few hundred lines later.
                    resend.append((position + random.int(5...300), row))
                    file.duplicates += 1
                    file.dirtyTotal += dirty ? 1 : 0
                }
                while let next = resend.first(where: { $0.at <= position }) {
                    output.append(next.row)
                    resend.removeAll { $0.at == next.at && $0.row == next.row }
                }
            }
            output += resend.map(\.row)
            file.dirtyTotal += file.dirtySource
            file.rows = output.count
            file.cleanDistinct = rows.count - file.dirtySource
            file.bytes = Array((Self.header + output.joined(separator: "\n") + "\n").utf8)
            files.append((world.stores[index].id, file))
        }
    }
}

/// One daily stock snapshot for every store's assortment.
enum InventoryDay {
    static func csv(world: RetailWorld, seed: UInt64, dayNumber: Int) -> (bytes: [UInt8], rows: Int) {
        var text = "snapshot_date,store_id,product_id,on_hand,on_order\n"
        let date = DayCalendar.string(dayNumber)
        let assortment = min(500, world.products.count)
        var rows = 0
        for (index, store) in world.stores.enumerated() {
            // The assortment is fixed per store (its own stream), levels vary per day.
            var storeRandom = SeededRandom(seed: seed, stream: 500_000 + UInt64(index))
            var dayRandom = SeededRandom(seed: seed, stream: 1_000_000 + UInt64(dayNumber) * 1_000 + UInt64(index))
            var chosen = Set<Int>()
            while chosen.count < assortment { chosen.insert(storeRandom.pick(cumulative: world.productCumulative)) }
            for product in chosen.sorted() {
                let base = max(2, Int(20 * exp(0.4 * storeRandom.normal())))
                var onHand = max(0, base + Int(Double(base).squareRoot() * dayRandom.normal()))
                if dayRandom.unit() < 0.03 { onHand = 0 }
                let onOrder = onHand < max(1, base / 3) ? base * dayRandom.int(1...2) : 0
                text += "\(date),\(store.id),\(world.products[product].id),\(onHand),\(onOrder)\n"
                rows += 1
            }
        }
        return (Array(text.utf8), rows)
    }
}

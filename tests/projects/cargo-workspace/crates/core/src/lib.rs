//! Stock levels, without any I/O.

use std::collections::BTreeMap;

#[derive(Default)]
pub struct Stock {
    items: BTreeMap<String, u32>,
}

impl Stock {
    pub fn add(&mut self, sku: &str, n: u32) -> u32 {
        let entry = self.items.entry(sku.to_string()).or_insert(0);
        *entry += n;
        *entry
    }

    pub fn level(&self, sku: &str) -> u32 {
        self.items.get(sku).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds_up() {
        let mut stock = super::Stock::default();
        stock.add("a", 2);
        assert_eq!(stock.add("a", 3), 5);
        assert_eq!(stock.level("b"), 0);
    }
}

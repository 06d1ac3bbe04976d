//! Answers kept by (data hash, request): a repeated question is a lookup. Bounded: when
//! full, the oldest answer goes first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;

/// The key of an answer: the data's hash and the request's canonical form.
pub(crate) type Key = (u64, String);

/// The kept answers.
#[derive(Debug)]
pub(crate) struct Answers {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Key, Bytes>,
    order: VecDeque<Key>,
}

impl Answers {
    /// Keeps at most `capacity` answers (0 keeps none).
    pub(crate) fn new(capacity: usize) -> Answers {
        Answers {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The answer to `key`, if kept.
    pub(crate) fn get(&self, key: &Key) -> Option<Bytes> {
        self.inner.lock().ok()?.map.get(key).cloned()
    }

    /// Keeps `body` as the answer to `key`.
    pub(crate) fn put(&self, key: Key, body: Bytes) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.map.insert(key.clone(), body).is_none() {
            inner.order.push_back(key);
        }
        while inner.map.len() > self.capacity {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            inner.map.remove(&old);
        }
    }

    /// Forgets every answer (the data changed).
    pub(crate) fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.map.clear();
            inner.order.clear();
        }
    }

    /// How many answers are kept.
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.map.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_its_capacity_oldest_out_first() {
        let a = Answers::new(2);
        a.put((1, "x".into()), Bytes::from_static(b"1"));
        a.put((1, "y".into()), Bytes::from_static(b"2"));
        a.put((1, "x".into()), Bytes::from_static(b"1"));
        assert_eq!(a.len(), 2);
        a.put((2, "x".into()), Bytes::from_static(b"3"));
        assert_eq!(a.len(), 2);
        assert_eq!(a.get(&(1, "x".into())), None);
        assert_eq!(a.get(&(1, "y".into())), Some(Bytes::from_static(b"2")));
        assert_eq!(a.get(&(2, "x".into())), Some(Bytes::from_static(b"3")));
        a.clear();
        assert_eq!(a.len(), 0);
        let none = Answers::new(0);
        none.put((1, "x".into()), Bytes::from_static(b"1"));
        assert_eq!(none.get(&(1, "x".into())), None);
    }
}

// Package store keeps orders in memory; both commands share it.
package store

import (
	"errors"
	"sync"
)

type Order struct {
	ID     int    `json:"id"`
	Item   string `json:"item"`
	Status string `json:"status"`
}

var ErrNotFound = errors.New("order not found")

type Store struct {
	mu     sync.Mutex
	next   int
	orders map[int]*Order
}

func New() *Store { return &Store{next: 1, orders: map[int]*Order{}} }

func (s *Store) Add(item string) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &Order{ID: s.next, Item: item, Status: "pending"}
	s.orders[o.ID] = o
	s.next++
	return *o
}

func (s *Store) Get(id int) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	return *o, nil
}

// ShipPending marks every pending order shipped and returns how many changed.
func (s *Store) ShipPending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.orders {
		if o.Status == "pending" {
			o.Status = "shipped"
			n++
		}
	}
	return n
}

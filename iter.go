package gdpr

import (
	"context"
	"iter"
)

// Requests iterates over every request, page by page, newest first, asking
// for pageSize requests a page (0 takes the server's default). An error
// is yielded once, with a zero Request, and ends the iteration; breaking
// out of the loop stops asking for pages.
//
//	for r, err := range client.Requests(ctx, 100) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(r.ID, r.Status)
//	}
func (c *Client) Requests(ctx context.Context, pageSize int) iter.Seq2[Request, error] {
	return func(yield func(Request, error) bool) {
		for page := 1; ; page++ {
			l, err := c.ListRequests(ctx, ListOptions{PageSize: pageSize, PageNumber: page})
			if err != nil {
				yield(Request{}, err)
				return
			}
			for _, r := range l.Entities {
				if !yield(r, nil) {
					return
				}
			}
			if len(l.Entities) == 0 || page >= l.PageCount {
				return
			}
		}
	}
}

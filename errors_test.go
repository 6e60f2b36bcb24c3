package gdpr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gdprkit/gdpr"
)

func TestErrUnavailableMatches503Only(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 404, 429, 500, 502, 503, 504} {
		err := fmt.Errorf("wrapped: %w", gdpr.NewError(status, "service.unavailable", "m"))
		if got := errors.Is(err, gdpr.ErrUnavailable); got != (status == 503) {
			t.Errorf("%d matches ErrUnavailable: %v", status, got)
		}
	}
}

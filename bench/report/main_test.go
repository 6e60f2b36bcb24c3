package main

import "testing"

func TestCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{postgresEnv: "postgres://x"}
	got := command([]string{"-quick", "-only=Client|Server"}, func(k string) string { return env[k] })
	want := "GDPR_TEST_POSTGRES=<dsn> go run ./bench/report -quick -only='Client|Server'"
	if got != want {
		t.Errorf("command = %s, want %s", got, want)
	}
}

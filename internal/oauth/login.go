package oauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DeviceLogin signs in with the device authorization grant (RFC 8628): it writes
// to w the address to open, on any device, and the code to type there, then waits
// until the officer has signed in (or the code expires, or ctx ends).
func DeviceLogin(ctx context.Context, s Settings, w io.Writer) (*oauth2.Token, error) {
	cfg := s.Config()
	if cfg.Endpoint.DeviceAuthURL == "" {
		return nil, errors.New("this provider has no device authorization endpoint (oauth.device_auth_url); use --flow browser")
	}
	ctx = s.withClient(ctx)
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		return nil, loginError("device authorization", err)
	}
	if da.VerificationURI == "" || da.UserCode == "" {
		return nil, errors.New("oauth login: the provider's device authorization answer lacks the address or the code")
	}
	fmt.Fprintf(w, "To sign the bot in, open this address in a browser on any device:\n\n    %s\n\nand enter the code:\n\n    %s\n\n", clean(da.VerificationURI, 300), clean(da.UserCode, 40))
	fmt.Fprintf(w, "Sign in as the account whose mailbox the bot reads (or one with access to it).\n")
	if !da.Expiry.IsZero() {
		fmt.Fprintf(w, "The code is valid until %s. Waiting…\n", da.Expiry.Format("15:04:05"))
	}
	tok, err := cfg.DeviceAccessToken(ctx, da)
	if err != nil {
		return nil, loginError("device sign-in", err)
	}
	return tok, nil
}

// BrowserLogin signs in with the authorization code grant, PKCE (RFC 7636) and a
// loopback redirect (RFC 8252 7.3). It writes to w the address to open in a
// browser; the provider then sends the browser to http://127.0.0.1:PORT/?code=….
// When the browser runs on this machine, BrowserLogin receives that itself (it
// listens on 127.0.0.1:port; 0 picks a free port). When it runs elsewhere (a
// headless server), that address fails to load: the officer copies it from the
// browser's address bar and pastes it into in.
func BrowserLogin(ctx context.Context, s Settings, in io.Reader, w io.Writer, port int) (*oauth2.Token, error) {
	cfg := s.Config()
	if cfg.Endpoint.AuthURL == "" {
		return nil, errors.New("this provider has no authorization endpoint (oauth.auth_url); use --flow device")
	}
	ln, lerr := net.Listen("tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(port)))
	if lerr != nil {
		if port == 0 {
			return nil, fmt.Errorf("oauth login: listen on 127.0.0.1: %w", lerr)
		}
		// Another program holds the port: the pasted address still works.
		fmt.Fprintf(w, "(127.0.0.1:%d is in use, so this program cannot receive the sign-in itself: paste the address.)\n", port)
	} else {
		port = ln.Addr().(*net.TCPAddr).Port
		defer ln.Close()
	}
	cfg.RedirectURL = fmt.Sprintf("http://127.0.0.1:%d/", port)
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if s.Provider == Google {
		// A refresh token, and a new one at every sign-in.
		opts = append(opts, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
	}
	fmt.Fprintf(w, "To sign the bot in, open this address in a browser:\n\n%s\n\n", cfg.AuthCodeURL(state, opts...))
	fmt.Fprintf(w, "Sign in as the account whose mailbox the bot reads (or one with access to it).\n"+
		"The browser is then sent to %s… . If that page does not load (the browser is on\n"+
		"another computer), copy the whole address from the browser's address bar and paste it here.\n", cfg.RedirectURL)

	results := make(chan redirect, 2)
	if ln != nil {
		srv := &http.Server{Handler: callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
	}
	go readPasted(in, w, state, results, ln == nil)
	var r redirect
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("oauth login: %w", ctx.Err())
	case r = <-results:
	}
	if r.err != nil {
		return nil, r.err
	}
	tok, err := cfg.Exchange(s.withClient(ctx), r.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, loginError("code exchange", err)
	}
	return tok, nil
}

// redirect is the outcome of the browser's return: a code, or why there is none.
type redirect struct {
	code string
	err  error
}

// parseRedirect reads the code from the query of the address the browser was
// sent to.
func parseRedirect(q url.Values, state string) redirect {
	if e := q.Get("error"); e != "" {
		return redirect{err: fmt.Errorf("oauth login: the provider refused the sign-in %s", describe(e, q.Get("error_description"), 0))}
	}
	code := q.Get("code")
	if code == "" {
		return redirect{err: errors.New("oauth login: the address holds no code")}
	}
	if q.Get("state") != state {
		return redirect{err: errors.New("oauth login: the address belongs to another sign-in (its state differs); start again")}
	}
	return redirect{code: code}
}

func callbackHandler(state string, results chan<- redirect) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		if req.URL.Path != "/" || (q.Get("code") == "" && q.Get("error") == "") {
			http.NotFound(w, req)
			return
		}
		r := parseRedirect(q, state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(r.err.Error()))
		} else {
			fmt.Fprint(w, "<p>The bot is signed in. You can close this window and go back to govbot.</p>")
		}
		select {
		case results <- r:
		default:
		}
	})
}

// readPasted reads lines from in until one is the address the browser was sent
// to. At the end of in it gives up only when nothing else can bring the code.
func readPasted(in io.Reader, w io.Writer, state string, results chan<- redirect, only bool) {
	if in == nil {
		in = strings.NewReader("")
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, ok := pastedQuery(line)
		if !ok {
			fmt.Fprintln(w, "That is not the address the browser was sent to: paste the whole address, starting with http://127.0.0.1:")
			continue
		}
		select {
		case results <- parseRedirect(q, state):
		default:
		}
		return
	}
	if only {
		select {
		case results <- redirect{err: errors.New("oauth login: no address was pasted")}:
		default:
		}
	}
}

// pastedQuery finds the query in a pasted address: a whole URL, or just its
// "?code=…&state=…" part.
func pastedQuery(line string) (url.Values, bool) {
	if i := strings.IndexByte(line, '?'); i >= 0 {
		line = line[i+1:]
	}
	line, _, _ = strings.Cut(line, "#")
	q, err := url.ParseQuery(line)
	if err != nil || (q.Get("code") == "" && q.Get("error") == "") {
		return nil, false
	}
	return q, true
}

func randomState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oauth login: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// loginError words a failed sign-in.
func loginError(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("oauth login: %s: the code expired before the sign-in finished; start again", op)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("oauth login: %s: cancelled", op)
	}
	e := refreshError(op, err)
	e.Kind = Unavailable // no "run govbot oauth login" hint: that is what is running
	return fmt.Errorf("oauth login: %s: %s%s", op, e.Msg, errSuffix(e.Err))
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

// NewStored returns what the token file keeps of a fresh sign-in. It fails when
// the provider gave no refresh token, without which the bot could not stay signed
// in.
func NewStored(s Settings, t *oauth2.Token, now time.Time) (Stored, error) {
	if t.RefreshToken == "" {
		hint := ""
		switch s.Provider {
		case Microsoft:
			hint = " (the scopes must include offline_access)"
		case Google:
			hint = " (the OAuth client must be of the type Desktop app)"
		}
		return Stored{}, errors.New("oauth login: the provider gave no refresh token" + hint)
	}
	expiry := t.Expiry
	if t.ExpiresIn > 0 {
		expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return Stored{
		Provider: s.Provider, ClientID: s.ClientID, TokenURL: s.Endpoint().TokenURL,
		RefreshToken: t.RefreshToken, AccessToken: t.AccessToken, TokenType: t.TokenType, Expiry: expiry, Saved: now,
	}, nil
}

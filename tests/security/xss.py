"""A corpus of known cross-site scripting vectors, and a parser that finds live markup.

The check parses the page and refuses anything that could run: a script that is not one
of our own same-origin files or a JSON data block, an event handler, a javascript:,
vbscript: or data:text/html address, a frame, object or embed, <base>,
a refresh, a <style> element or script in a style attribute.
"""

import json
import re
from html.parser import HTMLParser

VECTORS = [
    # Script elements, plain and disguised.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(2)</scr</script>ipt>",
    "<script/xss src=//evil.example/x.js></script>",
    '<script type="text/javascript">alert(3)</script>',
    "</script><script>alert(4)</script>",
    "<<script>alert(5);//<</script>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    # Event handlers.
    "<img src=x onerror=alert(6)>",
    '<img src="x" onerror="alert(7)">',
    "<IMG SRC=# onmouseover=\"alert('8')\">",
    "<body onload=alert(9)>",
    "<input autofocus onfocus=alert(10)>",
    "<details open ontoggle=alert(11)>",
    "<video><source onerror=alert(12)>",
    "<marquee onstart=alert(13)>",
    "<div onpointerover=alert(14)>hover</div>",
    "<select autofocus onfocus=alert(15)>",
    # Attribute breakouts.
    '"><script>alert(16)</script>',
    "'><script>alert(17)</script>",
    '" onmouseover="alert(18)',
    "' onmouseover='alert(19)",
    '" autofocus onfocus="alert(20)" x="',
    "`onmouseover=alert(21)",
    '"/><svg onload=alert(22)>',
    "</textarea><script>alert(23)</script>",
    "</title><script>alert(24)</script>",
    "</option></select><img src=x onerror=alert(25)>",
    # Dangerous addresses.
    "javascript:alert(26)",
    "JaVaScRiPt:alert(27)",
    " javascript:alert(28)",
    "java\tscript:alert(29)",
    "vbscript:msgbox(30)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgzMSk8L3NjcmlwdD4=",
    '<a href="javascript:alert(32)">click</a>',
    '<a href="jav&#x61;script:alert(33)">click</a>',
    '<a href="data:text/html,<script>alert(34)</script>">x</a>',
    '<form action="javascript:alert(35)"><button>go</button></form>',
    '<button formaction="javascript:alert(36)">go</button>',
    '<iframe src="javascript:alert(37)"></iframe>',
    '<iframe srcdoc="<script>alert(38)</script>"></iframe>',
    '<object data="javascript:alert(39)"></object>',
    '<embed src="data:text/html,<script>alert(40)</script>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(41)">',
    '<base href="javascript:alert(42)//">',
    # SVG and MathML.
    "<svg onload=alert(43)>",
    "<svg><script>alert(44)</script></svg>",
    '<svg><a xlink:href="javascript:alert(45)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(46) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(47)>",
    '<math href="javascript:alert(48)">click</math>',
    # Entity- and percent-encoded forms.
    "&lt;script&gt;alert(49)&lt;/script&gt;",
    "&#60;script&#62;alert(50)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(51)&#x3E;",
    "%3Cscript%3Ealert(52)%3C%2Fscript%3E",
    "%253Cscript%253Ealert(53)%253C%252Fscript%253E",
    "\\u003cscript\\u003ealert(54)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(55)\\x3c/script\\x3e",
    "+ADw-script+AD4-alert(56)+ADw-/script+AD4-",
    # Broken and unclosed markup.
    "<img src=x onerror=alert(57)//",
    "<script>alert(58)",
    "<svg/onload=alert(59)",
    "<!--<img src=x onerror=alert(60)>-->",
    "<![CDATA[<script>alert(61)</script>]]>",
    "<style>@import 'javascript:alert(62)';</style>",
    '<div style="background:url(javascript:alert(63))">x</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(64)>">',
    # Template injection that must stay text.
    "{{ 7*7 }}{% debug %}",
    "{{ request.META }}",
    "${alert(66)}",
    "#{alert(67)}",
    "<%= alert(68) %>",
]

SCRIPT_TYPES_FOR_DATA = {"application/ld+json", "application/json"}
# Frames and plugins run what they load; <base> redirects every relative address.
EXECUTABLE_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
# Same-origin scripts: our static files and the admin's translation catalogue.
OWN_SCRIPT = re.compile(r"^/(static/|[\w/-]*jsi18n/$)")
# Attributes a browser follows as addresses, and those SVG animations copy into them.
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"),
    *("values", "to", "from"),
}
# What old browsers ran from CSS; the Content-Security-Policy blocks inline style anyway.
OLD_STYLE_SCRIPT = re.compile(r"javascript:|expression\(|behavior:", re.IGNORECASE)
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
# Browsers drop these characters when they read a URL's scheme.
IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20]")


class _LiveMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._data_block = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an event handler")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc=...>: a page of its own")
            if name == "style" and OLD_STYLE_SCRIPT.search(value or ""):
                self.problems.append(f"<{tag} style={value!r}>: script in a style")
            if name in URL_ATTRIBUTES and value:
                plain = IGNORED_IN_SCHEMES.sub("", value)
                if DANGEROUS_SCHEME.match(plain):
                    self.problems.append(f"<{tag} {name}={value!r}>: a dangerous address")
        if tag in EXECUTABLE_TAGS or tag == "style":
            self.problems.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            if kind in SCRIPT_TYPES_FOR_DATA:
                self._data_block = []
            elif not OWN_SCRIPT.match(attributes.get("src") or ""):
                self.problems.append(f"<script {attributes}>: not one of our static scripts")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._data_block = None

    def handle_data(self, data):
        if self._data_block is not None:
            self._data_block.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._data_block is not None:
            text = "".join(self._data_block)
            self._data_block = None
            if "</script" in text.lower() or "<!--" in text:
                self.problems.append("a data block that could close its script element")
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"a data block that is not JSON: {text[:80]!r}")


def live_markup(html):
    """Every piece of executable markup in `html`, described; empty when the page is inert."""
    finder = _LiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_inert(response):
    assert response.status_code < 500, response.status_code
    problems = live_markup(response.content.decode())
    assert not problems, f"{response.request['PATH_INFO']}: {problems}"

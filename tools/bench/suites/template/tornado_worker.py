# Render peer: Python Tornado's template, page.html extending base.html (the same files as
# tornado-ts: their expressions are both JavaScript and Python), from a DictLoader. The items are
# objects with attributes (SimpleNamespace), as `item.name` reads them.
import json
import sys
from pathlib import Path
from types import SimpleNamespace

from tornado.template import DictLoader

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "lib"))
sys.dont_write_bytecode = True  # no __pycache__ in tools/bench/lib
from work_loop import serve_work  # noqa: E402

page = json.loads((HERE / "page.json").read_text("utf-8"), object_hook=lambda o: SimpleNamespace(**o))
namespace = vars(page)
sources = {path.name: path.read_text("utf-8") for path in (HERE / "templates" / "tornado").iterdir()}
template = DictLoader(sources).load("page.html")
serve_work(lambda: template.generate(**namespace))

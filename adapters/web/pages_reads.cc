// Read pages: scorecards, published scorecards, cycle timetables and the assurance trail.
#include "adapters/web/web_app.h"

namespace goldthread::web {

void WebApp::RegisterReadPages(adapters::Router* router) { (void)router; }

}  // namespace goldthread::web

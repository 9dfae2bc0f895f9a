import { UnsupportedMediaTypeException } from '@nestjs/common';
import { MAX_XML_BODY_BYTES } from '@smsgate/channel-config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** text/xml, application/xml, application/soap+xml and any other `+xml` type. */
const XML_MEDIA_TYPE = /^(application|text)\/([\w.-]+\+)?xml\s*(;|$)/i;

/**
 * An XML body reaches the provider routes (`/c/...`) as its text, for a channel that reads it by XPath
 * (RapidPro's from_xpath and text_xpath), up to MAX_XML_BODY_BYTES (a larger one is a 413). Other routes
 * take no XML and answer 415, as before. Bodies of other types never pass here.
 */
export function registerXmlBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(
      XML_MEDIA_TYPE,
      { parseAs: 'string', bodyLimit: MAX_XML_BODY_BYTES },
      (request, body, done) => {
        if (!request.url.startsWith('/c/')) {
          done(
            new UnsupportedMediaTypeException(`Unsupported Media Type: ${request.headers['content-type']}`),
          );
          return;
        }
        done(null, body);
      },
    );
}
